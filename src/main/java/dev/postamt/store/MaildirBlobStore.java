package dev.postamt.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Maildir++ {@link BlobStore}: one user's message files, where a mailbox's directory is, how message
 * files are named, and the fsync discipline. Only the store package sees files; everyone else gets
 * {@link MessageContent}.
 *
 * <p>Folder names: the IMAP hierarchy separator is {@code /}; on disk each level becomes a Maildir++
 * folder {@code .a.b} below the root, in UTF-8 (Dovecot's {@code maildir:~/Maildir:UTF-8} reads the same
 * layout). A {@code .} or {@code %} inside a level is written {@code %2E} / {@code %25} so that names may
 * contain dots. INBOX is the root itself.
 *
 * <p>Files: {@code <unique>,S=<size>:2,<letters>} in {@code cur/}; the part before {@code :2,} is the
 * base name the index keys on (the blob key), the letters mirror the system flags for other Maildir
 * readers. Message contents are never rewritten; flag changes only rename.
 */
final class MaildirBlobStore implements BlobStore {
  static final String INBOX = MailboxNames.INBOX;
  static final char SEPARATOR = MailboxNames.SEPARATOR;
  /** A Maildir++ folder is one directory name ({@code .a.b}): NAME_MAX of common file systems. */
  static final int MAX_FOLDER_BYTES = 255;
  private static final AtomicLong COUNTER = new AtomicLong();
  private static final long PID = ProcessHandle.current().pid();

  private final Path root;

  MaildirBlobStore(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  /** The folder directory of mailbox {@code name}. */
  Path folder(String name) {
    return name.equals(INBOX) ? root : root.resolve(dirName(name));
  }

  private static String dirName(String name) {
    StringBuilder b = new StringBuilder();
    for (String level : name.split(String.valueOf(SEPARATOR), -1)) {
      b.append('.').append(level.replace("%", "%25").replace(".", "%2E"));
    }
    return b.toString();
  }

  @Override
  public void checkName(String mailbox) {
    if (!mailbox.equals(INBOX) && dirName(mailbox).getBytes(StandardCharsets.UTF_8).length > MAX_FOLDER_BYTES) {
      throw new StoreException(StoreException.Kind.LIMIT,
          "Mailbox name too long for Maildir++ (at most " + MAX_FOLDER_BYTES + " bytes as a folder name)");
    }
    if (!FileNames.canName(mailbox)) {
      throw new StoreException(StoreException.Kind.CANNOT, "Mailbox names outside ASCII cannot be stored: " + FileNames.WHY);
    }
  }

  @Override
  public void createMailbox(String mailbox) throws IOException {
    ensureFolder(mailbox);
  }

  @Override
  public void renameMailbox(String from, String to) throws IOException {
    Path a = folder(from);
    if (Files.exists(a)) {
      Files.move(a, folder(to), StandardCopyOption.ATOMIC_MOVE);
    } else {
      ensureFolder(to);
    }
    fsyncDir(root);
  }

  /** Moves the folder out of the Maildir++ namespace first, so a crash leaves no half-deleted folder. */
  @Override
  public void deleteMailbox(MailboxInfo mailbox) throws IOException {
    Path dir = folder(mailbox.name());
    Path gone = root.resolve("postamt-deleted-" + uniqueBase(0));
    if (!Files.exists(dir)) {
      return;
    }
    Files.move(dir, gone, StandardCopyOption.ATOMIC_MOVE);
    fsyncDir(root);
    try (var walk = Files.walk(gone)) {
      for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }

  /** The mailbox name of a Maildir++ folder directory name such as {@code .Sent} or {@code .a.b}. */
  static String nameOf(String dirName) {
    if (!dirName.startsWith(".") || dirName.equals(".") || dirName.equals("..")) {
      return null;
    }
    String[] levels = dirName.substring(1).split("\\.", -1);
    StringBuilder b = new StringBuilder();
    for (String level : levels) {
      if (!b.isEmpty()) {
        b.append(SEPARATOR);
      }
      b.append(level.replace("%2E", ".").replace("%2e", ".").replace("%25", "%"));
    }
    return b.toString();
  }

  /** Creates cur/ new/ tmp/ of a folder (and the maildirfolder marker for subfolders). */
  void ensureFolder(String name) throws IOException {
    Path f = folder(name);
    for (String sub : List.of("cur", "new", "tmp")) {
      Files.createDirectories(f.resolve(sub));
    }
    if (!name.equals(INBOX)) {
      Path marker = f.resolve("maildirfolder");
      if (!Files.exists(marker)) {
        try {
          Files.createFile(marker);
        } catch (java.nio.file.FileAlreadyExistsException e) {
          // made meanwhile by another node sharing the mail directory
        }
      }
    }
  }

  /** Lists the mailbox names that exist as folders on disk (INBOX first). */
  List<String> folderNames() throws IOException {
    List<String> out = new ArrayList<>();
    out.add(INBOX);
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, ".*")) {
      for (Path p : ds) {
        String n = nameOf(p.getFileName().toString());
        if (n != null && Files.isDirectory(p.resolve("cur"))) {
          out.add(n);
        }
      }
    }
    return out;
  }

  /** A new unique base name in the usual Maildir form, with the size as Dovecot writes it. */
  static String uniqueBase(long size) {
    long now = System.currentTimeMillis();
    return (now / 1000) + ".M" + (now % 1000) * 1000 + "P" + PID + "Q" + COUNTER.incrementAndGet()
        + ".postamt,S=" + size;
  }

  static String fileName(String base, Set<String> flags) {
    return base + ":2," + Flags.maildirLetters(flags);
  }

  /** The base name of a Maildir file name: the part before {@code :2,} (or {@code :}). */
  static String baseOf(String fileName) {
    int colon = fileName.indexOf(':');
    return colon < 0 ? fileName : fileName.substring(0, colon);
  }

  /** The flag letters of a Maildir file name, empty when it has none. */
  static String lettersOf(String fileName) {
    int i = fileName.indexOf(":2,");
    return i < 0 ? "" : fileName.substring(i + 3);
  }

  /** The size from a {@code ,S=} field of the base name, or -1. */
  static long sizeOf(String base) {
    int i = base.indexOf(",S=");
    if (i < 0) {
      return -1;
    }
    int j = i + 3;
    int k = j;
    while (k < base.length() && Character.isDigit(base.charAt(k))) {
      k++;
    }
    try {
      return k > j ? Long.parseLong(base.substring(j, k)) : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The file holding a message: the name the flags predict, else whatever file in cur/ or new/ starts
   * with the base name (another Maildir reader may have renamed it, or a crash came between our index
   * commit and the rename). Null if the message file is gone.
   */
  Path find(String mailbox, String base, Set<String> flags) throws IOException {
    Path dir = folder(mailbox);
    Path expected = dir.resolve("cur").resolve(fileName(base, flags));
    if (Files.exists(expected)) {
      return expected;
    }
    for (String sub : List.of("cur", "new")) {
      Path d = dir.resolve(sub);
      if (Files.exists(d.resolve(base))) {
        return d.resolve(base);
      }
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(d, globEscape(base) + ":*")) {
        for (Path p : ds) {
          return p;
        }
      } catch (NoSuchFileException e) {
        // folder vanished
      }
    }
    return null;
  }

  private static String globEscape(String s) {
    return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
  }

  /** Writes {@code content} as a new message in cur/ of {@code mailbox}: tmp/, fsync, rename, fsync dir. */
  @Override
  public String put(MailboxInfo mailbox, InputStream content, long size, Set<String> flags, long mtime)
      throws IOException {
    Path dir = folder(mailbox.name());
    String base = uniqueBase(size);
    Path tmp = dir.resolve("tmp").resolve(base);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      OutputStream out = Channels.newOutputStream(ch);
      long written = content.transferTo(out);
      if (written != size) {
        throw new IOException("message is " + written + " bytes, " + size + " announced");
      }
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.setLastModifiedTime(tmp, java.nio.file.attribute.FileTime.fromMillis(mtime));
    Files.move(tmp, dir.resolve("cur").resolve(fileName(base, flags)), StandardCopyOption.ATOMIC_MOVE);
    fsyncDir(dir.resolve("cur"));
    return base;
  }

  @Override
  public Optional<MessageContent> open(MailboxInfo mailbox, String key, Set<String> flags) throws IOException {
    // Most files are where their flags say: opening that name straight away saves find's look first
    // (a stat per message, which a SORT over a large mailbox pays 50,000 times).
    try {
      FileChannel ch = FileChannel.open(folder(mailbox.name()).resolve("cur").resolve(fileName(key, flags)), StandardOpenOption.READ);
      return Optional.of(new MessageContent(ch, ch.size()));
    } catch (NoSuchFileException e) {
      // renamed for its flags by another program, still in new/, or expunged: look for it
    }
    for (int attempt = 0; attempt < 2; attempt++) {
      Path p = find(mailbox.name(), key, flags);
      if (p == null) {
        return Optional.empty();
      }
      try {
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
        return Optional.of(new MessageContent(ch, ch.size()));
      } catch (NoSuchFileException e) {
        // renamed for its flags (or expunged) between finding and opening: look once more
      }
    }
    return Optional.empty();
  }

  @Override
  public String copy(MailboxInfo fromMailbox, String key, Set<String> flags, long size, MailboxInfo toMailbox)
      throws IOException {
    Path source = find(fromMailbox.name(), key, flags);
    return source == null ? null : copyIn(source, toMailbox.name(), flags, size);
  }

  @Override
  public void delete(MailboxInfo mailbox, Collection<MessageRecord> messages) throws IOException {
    for (MessageRecord m : messages) {
      Path p = find(mailbox.name(), m.base(), m.flags());
      if (p != null) {
        Files.deleteIfExists(p);
      }
    }
    fsyncDir(folder(mailbox.name()).resolve("cur"));
  }

  /** Best effort: keeps the Maildir info letters in step with the index, which stays authoritative. */
  @Override
  public void flagsChanged(MailboxInfo mailbox, String key, Set<String> oldFlags, Set<String> newFlags) {
    if (Flags.maildirLetters(oldFlags).equals(Flags.maildirLetters(newFlags))) {
      return;
    }
    try {
      Path from = find(mailbox.name(), key, oldFlags);
      if (from != null) {
        Files.move(from, folder(mailbox.name()).resolve("cur").resolve(fileName(key, newFlags)), StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      // The index has the flags; the file name is only a courtesy to other readers.
    }
  }

  /** Puts a copy of {@code source} into {@code mailbox}: a hard link when possible, else a byte copy. */
  private String copyIn(Path source, String mailbox, Set<String> flags, long size) throws IOException {
    Path dir = folder(mailbox);
    String base = uniqueBase(size);
    Path target = dir.resolve("cur").resolve(fileName(base, flags));
    try {
      Files.createLink(target, source);
    } catch (IOException | UnsupportedOperationException e) {
      Path tmp = dir.resolve("tmp").resolve(base);
      Files.copy(source, tmp, StandardCopyOption.COPY_ATTRIBUTES);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }
    fsyncDir(dir.resolve("cur"));
    return base;
  }

  /** Directory fsync so that a rename or create survives a crash (no-op where the OS refuses). */
  static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems do not allow opening directories; the rename is then as durable as it gets.
    }
  }
}
