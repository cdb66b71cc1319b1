package dev.postamt.transfer;

import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code postamt import ADDRESS mbox|maildir PATH} and {@code postamt export ADDRESS mbox|maildir PATH},
 * through the store's API, each followed by a verification report: per folder the number of messages
 * and a SHA-256 over the messages, computed on both sides (the file side as read or as written back,
 * the store side by reading the stored messages again), so a difference shows.
 *
 * <p>The folder hash is the SHA-256 of the concatenated SHA-256s of its messages in order, each taken
 * over the message with CRLF line ends (the form the store keeps and IMAP serves), without the flag
 * headers an mbox carries.
 *
 * <p>Layouts: an mbox PATH is one file (into INBOX) or a directory of mbox files, a folder {@code a/b}
 * being {@code a.sbd/b} as Thunderbird keeps it ({@code INBOX} is the file {@code INBOX}); export
 * writes that layout and refuses to overwrite a file. A Maildir PATH is a Maildir++ tree ({@link
 * MaildirFormat}); export refuses a PATH that exists and is not empty. Import appends: importing twice
 * gives two copies.
 */
public final class MailboxTransfer {
  public enum Format {
    MBOX,
    MAILDIR;

    public static Optional<Format> of(String word) {
      for (Format f : values()) {
        if (f.name().equalsIgnoreCase(word)) {
          return Optional.of(f);
        }
      }
      return Optional.empty();
    }
  }

  /** One folder's verification: messages and folder hash on the file side and the store side. */
  public record FolderReport(String folder, int messages, int storeMessages, String fileSha256, String storeSha256) {
    public boolean matches() {
      return messages == storeMessages && fileSha256.equals(storeSha256);
    }

    public String line() {
      return String.format(Locale.ROOT, "%-24s %6d messages  file sha256 %s  store sha256 %s  %s", folder, messages,
          fileSha256.substring(0, 16), storeSha256.substring(0, 16),
          matches() ? "ok" : "MISMATCH (store has " + storeMessages + ")");
    }
  }

  public record Report(List<FolderReport> folders, List<String> notes) {
    public boolean ok() {
      return folders.stream().allMatch(FolderReport::matches);
    }

    public int messages() {
      return folders.stream().mapToInt(FolderReport::messages).sum();
    }
  }

  private MailboxTransfer() {}

  // ---- import

  public static Report importInto(MailStore store, String user, Format format, Path path) throws IOException {
    if (!Files.exists(path)) {
      throw new IOException("nothing to import at " + path);
    }
    List<FolderReport> folders = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    try (Account acc = store.open(user)) {
      if (format == Format.MBOX) {
        for (var e : mboxFiles(path, notes).entrySet()) {
          try (InputStream in = Files.newInputStream(e.getValue()); MboxReader r = new MboxReader(in, e.getValue().toString())) {
            folders.add(importFolder(acc, e.getKey(), () -> {
              MboxReader.Message m = r.next();
              return m == null ? null : new Incoming(m.content(), m.flags(), m.internalDate());
            }));
          }
        }
      } else {
        if (!Files.isDirectory(path)) {
          throw new IOException(path + " is not a Maildir (a directory with cur/ and new/)");
        }
        Map<String, Path> tree = MaildirFormat.folders(path);
        if (tree.isEmpty()) {
          throw new IOException(path + " is not a Maildir: it has no cur/ or new/ and no .folders");
        }
        for (var e : tree.entrySet()) {
          var it = MaildirFormat.messages(path, e.getValue()).iterator();
          folders.add(importFolder(acc, e.getKey(), () -> {
            if (!it.hasNext()) {
              return null;
            }
            MaildirFormat.Entry m = it.next();
            MessageBuffer b = new MessageBuffer();
            try (LineInput in = new LineInput(Files.newInputStream(m.file()))) {
              byte[] piece;
              while ((piece = in.next()) != null) {
                LineInput.writeCrlf(piece, 0, b);
              }
            }
            return new Incoming(b, m.flags(), m.internalDate());
          }));
        }
      }
    }
    return new Report(folders, notes);
  }

  private record Incoming(MessageBuffer content, Set<String> flags, long internalDate) {}

  @FunctionalInterface
  private interface Source {
    Incoming next() throws IOException;
  }

  private static FolderReport importFolder(Account acc, String folder, Source source) throws IOException {
    if (acc.mailbox(folder).isEmpty()) {
      acc.create(folder, Account.DEFAULT_FOLDERS.get(folder));
    }
    MessageDigest fileSide = MessageBuffer.sha256();
    Set<Long> uids = new HashSet<>();
    int n = 0;
    Incoming m;
    while ((m = source.next()) != null) {
      try (MessageBuffer b = m.content()) {
        fileSide.update(b.digest());
        try (InputStream in = b.open()) {
          uids.add(acc.append(folder, in, b.size(), m.flags(), m.internalDate()).uid());
        }
      }
      n++;
    }
    MailboxInfo mb = acc.mailbox(folder).orElseThrow();
    MessageDigest storeSide = MessageBuffer.sha256();
    int stored = 0;
    for (MessageRecord r : acc.snapshot(mb.id()).messages()) {
      if (uids.contains(r.uid())) {
        storeSide.update(storedDigest(acc, mb, r));
        stored++;
      }
    }
    return new FolderReport(mb.name(), n, stored, hex(fileSide), hex(storeSide));
  }

  /** folder name → mbox file: one file is INBOX; a directory is walked (Thunderbird's {@code .sbd}). */
  private static Map<String, Path> mboxFiles(Path path, List<String> notes) throws IOException {
    Map<String, Path> out = new LinkedHashMap<>();
    if (Files.isRegularFile(path)) {
      out.put("INBOX", path);
      return out;
    }
    collect(path, "", out, notes);
    return out;
  }

  private static void collect(Path dir, String prefix, Map<String, Path> out, List<String> notes) throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(entries::add);
    }
    entries.sort(null);
    for (Path p : entries) {
      String n = p.getFileName().toString();
      if (n.startsWith(".")) {
        continue;
      }
      if (Files.isDirectory(p)) {
        collect(p, prefix + (n.endsWith(".sbd") ? n.substring(0, n.length() - 4) : n) + "/", out, notes);
      } else if (n.endsWith(".msf") || n.endsWith(".dat") || n.endsWith(".json") || !looksLikeMbox(p)) {
        notes.add("skipped " + p + ": not an mbox file");
      } else {
        String name = prefix + (n.endsWith(".mbox") ? n.substring(0, n.length() - 5) : n);
        out.put(name.equalsIgnoreCase("INBOX") ? "INBOX" : name, p);
      }
    }
  }

  private static boolean looksLikeMbox(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      byte[] head = in.readNBytes(5);
      return head.length == 0 || new String(head, java.nio.charset.StandardCharsets.ISO_8859_1).equals("From ");
    }
  }

  // ---- export

  public static Report export(MailStore store, String user, Format format, Path path) throws IOException {
    if (!store.exists(user)) {
      throw new IOException(user + " has no mail store here");
    }
    List<FolderReport> folders = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    if (Files.isDirectory(path)) {
      try (var list = Files.list(path)) {
        if (format == Format.MAILDIR && list.findAny().isPresent()) {
          throw new IOException(path + " exists and is not empty; export into a new directory");
        }
      }
    } else if (Files.exists(path)) {
      throw new IOException(path + " exists and is not a directory");
    }
    Files.createDirectories(path);
    try (Account acc = store.open(user); MaildirFormat.Writer maildir = new MaildirFormat.Writer(path)) {
      for (MailboxInfo mb : acc.mailboxes()) {
        List<MessageRecord> msgs = acc.snapshot(mb.id()).messages();
        MessageDigest storeSide = MessageBuffer.sha256();
        MessageDigest fileSide = MessageBuffer.sha256();
        int onFile = 0;
        if (format == Format.MBOX) {
          Path file = mboxFile(path, mb.name());
          Files.createDirectories(file.getParent());
          try (OutputStream out = new java.io.BufferedOutputStream(
              Files.newOutputStream(file, java.nio.file.StandardOpenOption.CREATE_NEW), 65536)) {
            MboxWriter w = new MboxWriter(out);
            for (MessageRecord r : msgs) {
              try (InputStream in = new DigestingInput(open(acc, mb, r), storeSide)) {
                w.write(in, r.flags(), r.internalDate());
              }
            }
          } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new IOException(file + " exists; export into a new directory");
          }
          try (InputStream in = Files.newInputStream(file); MboxReader rd = new MboxReader(in, file.toString())) {
            MboxReader.Message m;
            while ((m = rd.next()) != null) {
              try (MessageBuffer b = m.content()) {
                fileSide.update(b.digest());
              }
              onFile++;
            }
          }
        } else {
          Path folder = maildir.folder(mb.name());
          for (MessageRecord r : msgs) {
            Path written;
            try (InputStream in = new DigestingInput(open(acc, mb, r), storeSide)) {
              written = maildir.write(folder, in, r.size(), r.flags(), r.internalDate());
            }
            fileSide.update(digestCrlf(Files.newInputStream(written)));
            onFile++;
          }
        }
        folders.add(new FolderReport(mb.name(), onFile, msgs.size(), hex(fileSide), hex(storeSide)));
      }
      notes.addAll(maildir.notes.stream().distinct().toList());
    }
    return new Report(folders, notes);
  }

  /** Where folder {@code name} goes in an mbox export: {@code a/b} → {@code a.sbd/b}. */
  static Path mboxFile(Path root, String name) {
    String[] levels = name.split("/");
    Path p = root;
    for (int i = 0; i < levels.length - 1; i++) {
      p = p.resolve(levels[i] + ".sbd");
    }
    return p.resolve(levels[levels.length - 1]);
  }

  private static InputStream open(Account acc, MailboxInfo mb, MessageRecord r) throws IOException {
    Optional<MessageContent> c = acc.open(mb, r);
    if (c.isEmpty()) {
      return InputStream.nullInputStream(); // expunged meanwhile: counted as a mismatch
    }
    return c.get().stream();
  }

  private static byte[] storedDigest(Account acc, MailboxInfo mb, MessageRecord r) throws IOException {
    return digestCrlf(open(acc, mb, r));
  }

  /** SHA-256 of a message with CRLF line ends; closes {@code in}. */
  static byte[] digestCrlf(InputStream in) throws IOException {
    CrlfDigest d = new CrlfDigest();
    try (in) {
      in.transferTo(d);
    }
    return d.digest();
  }

  /**
   * A SHA-256 over bytes as {@link LineInput#writeCrlf} would write them (each line end as CRLF),
   * taken as they stream past.
   */
  static final class CrlfDigest extends OutputStream {
    private final MessageDigest md = MessageBuffer.sha256();
    private boolean pendingCr;

    @Override
    public void write(int b) {
      if (b == '\n') {
        md.update((byte) '\r');
        md.update((byte) '\n');
        pendingCr = false;
        return;
      }
      if (pendingCr) {
        md.update((byte) '\r');
      }
      pendingCr = b == '\r';
      if (!pendingCr) {
        md.update((byte) b);
      }
    }

    byte[] digest() {
      if (pendingCr) {
        md.update((byte) '\r');
        pendingCr = false;
      }
      return md.digest();
    }
  }

  /** Passes a stored message through while adding its CRLF digest to the folder's store-side hash. */
  private static final class DigestingInput extends java.io.FilterInputStream {
    private final MessageDigest folder;
    private final CrlfDigest digest = new CrlfDigest();

    DigestingInput(InputStream in, MessageDigest folder) {
      super(in);
      this.folder = folder;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        digest.write(b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      for (int i = 0; i < n; i++) {
        digest.write(b[off + i]);
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      super.close();
      folder.update(digest.digest());
    }
  }

  static String hex(MessageDigest md) {
    return HexFormat.of().formatHex(md.digest());
  }
}
