package dev.postamt.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The on-disk Maildir++ side of a user's store: where a mailbox's directory is, how message files are
 * named, and the fsync discipline.
 *
 * <p>Folder names: the IMAP hierarchy separator is {@code /}; on disk each level becomes a Maildir++
 * folder {@code .a.b} below the root, in UTF-8 (Dovecot's {@code maildir:~/Maildir:UTF-8} reads the same
 * layout). A {@code .} or {@code %} inside a level is written {@code %2E} / {@code %25} so that names may
 * contain dots. INBOX is the root itself.
 *
 * <p>Files: {@code <unique>,S=<size>:2,<letters>} in {@code cur/}; the part before {@code :2,} is the
 * base name the index keys on, the letters mirror the system flags for other MaildirFolders readers. Message
 * contents are never rewritten; flag changes only rename.
 */
public final class MaildirFolders {
  public static final String INBOX = "INBOX";
  public static final char SEPARATOR = '/';
  private static final AtomicLong COUNTER = new AtomicLong();
  private static final long PID = ProcessHandle.current().pid();

  private final Path root;

  public MaildirFolders(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** The folder directory of mailbox {@code name}. */
  public Path folder(String name) {
    if (name.equals(INBOX)) {
      return root;
    }
    StringBuilder b = new StringBuilder();
    for (String level : name.split(String.valueOf(SEPARATOR), -1)) {
      b.append('.').append(level.replace("%", "%25").replace(".", "%2E"));
    }
    return root.resolve(b.toString());
  }

  /** The mailbox name of a Maildir++ folder directory name such as {@code .Sent} or {@code .a.b}. */
  public static String nameOf(String dirName) {
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
  public void ensureFolder(String name) throws IOException {
    Path f = folder(name);
    for (String sub : List.of("cur", "new", "tmp")) {
      Files.createDirectories(f.resolve(sub));
    }
    if (!name.equals(INBOX)) {
      Path marker = f.resolve("maildirfolder");
      if (!Files.exists(marker)) {
        Files.createFile(marker);
      }
    }
  }

  /** Lists the mailbox names that exist as folders on disk (INBOX first). */
  public List<String> folderNames() throws IOException {
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

  /** A new unique base name in the usual MaildirFolders form, with the size as Dovecot writes it. */
  public static String uniqueBase(long size) {
    long now = System.currentTimeMillis();
    return (now / 1000) + ".M" + (now % 1000) * 1000 + "P" + PID + "Q" + COUNTER.incrementAndGet()
        + ".postamt,S=" + size;
  }

  public static String fileName(String base, Set<String> flags) {
    return base + ":2," + Flags.maildirLetters(flags);
  }

  /** The base name of a MaildirFolders file name: the part before {@code :2,} (or {@code :}). */
  public static String baseOf(String fileName) {
    int colon = fileName.indexOf(':');
    return colon < 0 ? fileName : fileName.substring(0, colon);
  }

  /** The flag letters of a MaildirFolders file name, empty when it has none. */
  public static String lettersOf(String fileName) {
    int i = fileName.indexOf(":2,");
    return i < 0 ? "" : fileName.substring(i + 3);
  }

  /** The size from a {@code ,S=} field of the base name, or -1. */
  public static long sizeOf(String base) {
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
   * with the base name (another MaildirFolders reader may have renamed it, or a crash came between our index
   * commit and the rename). Null if the message file is gone.
   */
  public Path find(String mailbox, String base, Set<String> flags) throws IOException {
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
  public String deliver(String mailbox, byte[] content, Set<String> flags, long mtime) throws IOException {
    Path dir = folder(mailbox);
    String base = uniqueBase(content.length);
    Path tmp = dir.resolve("tmp").resolve(base);
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      var buf = java.nio.ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.setLastModifiedTime(tmp, java.nio.file.attribute.FileTime.fromMillis(mtime));
    Files.move(tmp, dir.resolve("cur").resolve(fileName(base, flags)), StandardCopyOption.ATOMIC_MOVE);
    fsyncDir(dir.resolve("cur"));
    return base;
  }

  /** Puts a copy of {@code source} into {@code mailbox}: a hard link when possible, else a byte copy. */
  public String copyIn(Path source, String mailbox, Set<String> flags, long size) throws IOException {
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
  public static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems do not allow opening directories; the rename is then as durable as it gets.
    }
  }
}
