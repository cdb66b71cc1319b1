package dev.postamt.admin;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The messages under a path an administrator names: a message file, a Maildir folder ({@code cur/}
 * and {@code new/}; {@code tmp/} is mail still being written), an mbox, or a directory tree of those
 * (Maildir++ subfolders such as {@code .Junk} included). Files are visited in name order, so a run
 * can be repeated and compared.
 *
 * <p>An mbox is split at {@code From } lines that begin the file or follow an empty line (the mboxrd
 * and mboxo conventions both write that blank line), and {@code >From } quoting is undone (RFC 4155).
 * A file whose first line is neither a {@code From } line nor a header field ({@code Name: value}) is
 * not a message (an index, a {@code dovecot-uidlist}, a picture) and is counted as skipped. Messages
 * larger than {@link #MAX_MESSAGE} bytes are cut there: whoever reads them reads at most that much.
 */
public final class MessageFiles {
  /** The most of one message kept in memory. */
  public static final int MAX_MESSAGE = 64 << 20;

  private MessageFiles() {}

  /** Receives each message found. */
  @FunctionalInterface
  public interface Visitor {
    /**
     * @param origin where it is: the file, or the mbox and the message's number in it ({@code box#3})
     * @param content the message
     */
    void message(String origin, byte[] content) throws IOException;
  }

  /**
   * One message file opened for reading, a leading mbox {@code From } separator line skipped (a message
   * saved from a mail reader or taken from a corpus often has one; read as a header line it would end
   * the header section at once). {@code check message} reads its FILE through this.
   */
  public static InputStream openMessage(Path file) throws IOException {
    BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file));
    in.mark(8);
    byte[] head = in.readNBytes(6);
    boolean separator = head.length == 6 && head[0] == 'F' && head[1] == 'r' && head[2] == 'o' && head[3] == 'm'
        && head[4] == ' ' && head[5] != ' ' && head[5] != ':' && head[5] != '\t';
    if (!separator) {
      in.reset();
      return in;
    }
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      // the rest of the separator line
    }
    return in;
  }

  /** What a walk found. */
  public record Walk(int messages, List<String> skipped) {}

  /**
   * Visits every message under {@code path}. A path that does not exist or cannot be read is an {@link
   * AdminException} with a one-line reason.
   */
  public static Walk walk(Path path, Visitor visitor) {
    if (!Files.exists(path)) {
      throw new AdminException("no such file or directory: " + path);
    }
    if (!Files.isReadable(path)) {
      throw new AdminException("cannot read " + path);
    }
    Counter c = new Counter();
    try {
      if (Files.isDirectory(path)) {
        directory(path, visitor, c, 0);
      } else {
        file(path, visitor, c);
      }
    } catch (IOException e) {
      throw new AdminException("reading " + path + ": " + AdminException.of(e).getMessage(), e);
    }
    return new Walk(c.messages, List.copyOf(c.skipped));
  }

  private static final class Counter {
    int messages;
    final List<String> skipped = new ArrayList<>();
  }

  private static void directory(Path dir, Visitor visitor, Counter c, int depth) throws IOException {
    if (depth > 32) {
      return;
    }
    boolean maildir = Files.isDirectory(dir.resolve("cur")) || Files.isDirectory(dir.resolve("new"));
    if (maildir) {
      for (String sub : List.of("cur", "new")) {
        Path d = dir.resolve(sub);
        if (Files.isDirectory(d)) {
          for (Path f : list(d)) {
            if (Files.isRegularFile(f) && !f.getFileName().toString().startsWith(".")) {
              file(f, visitor, c);
            }
          }
        }
      }
    }
    for (Path p : list(dir)) {
      String name = p.getFileName().toString();
      if (Files.isDirectory(p)) {
        if (maildir && (name.equals("cur") || name.equals("new") || name.equals("tmp"))) {
          continue;
        }
        if (name.startsWith(".") && !maildir) {
          continue; // hidden directories (.git, .cache) outside a Maildir; Maildir++ folders are inside one
        }
        directory(p, visitor, c, depth + 1);
      } else if (!maildir && Files.isRegularFile(p) && !name.startsWith(".")) {
        file(p, visitor, c);
      }
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  /** A message file or an mbox. */
  private static void file(Path f, Visitor visitor, Counter c) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 65536)) {
      byte[] first = readLine(in, new ByteArrayOutputStream());
      if (first == null || !(startsWithFrom(first) || isHeaderLine(first))) {
        c.skipped.add(f.toString());
        return;
      }
      if (!startsWithFrom(first)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, (int) Math.min(Files.size(f), MAX_MESSAGE)));
        out.write(first);
        out.write(in.readNBytes(MAX_MESSAGE - first.length));
        c.messages++;
        visitor.message(f.toString(), out.toByteArray());
        return;
      }
      mbox(f, in, visitor, c);
    }
  }

  /** The messages of an mbox whose first {@code From } line has been read. */
  private static void mbox(Path f, InputStream in, Visitor visitor, Counter c) throws IOException {
    ByteArrayOutputStream message = new ByteArrayOutputStream(8192);
    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    int number = 0;
    boolean previousEmpty = false;
    byte[] l;
    while (true) {
      l = readLine(in, line);
      if (l == null || (previousEmpty && startsWithFrom(l))) {
        byte[] m = message.toByteArray();
        int end = m.length;
        if (end > 0 && m[end - 1] == '\n') { // the blank line that separates messages is not theirs
          end--;
          if (end > 0 && m[end - 1] == '\r') {
            end--;
          }
        }
        number++;
        if (end > 0) {
          c.messages++;
          visitor.message(f + "#" + number, java.util.Arrays.copyOf(m, end));
        }
        message.reset();
        if (l == null) {
          return;
        }
        previousEmpty = false;
        continue;
      }
      previousEmpty = l.length == 1 || l.length == 2 && l[0] == '\r';
      int skip = isQuotedFrom(l) ? 1 : 0;
      if (message.size() + l.length <= MAX_MESSAGE) {
        message.write(l, skip, l.length - skip);
      }
    }
  }

  /** One line with its line end, or null at the end of the input. */
  private static byte[] readLine(InputStream in, ByteArrayOutputStream buf) throws IOException {
    buf.reset();
    int b;
    while ((b = in.read()) >= 0) {
      buf.write(b);
      if (b == '\n') {
        break;
      }
    }
    return buf.size() == 0 ? null : buf.toByteArray();
  }

  private static boolean startsWithFrom(byte[] l) {
    return l.length >= 5 && l[0] == 'F' && l[1] == 'r' && l[2] == 'o' && l[3] == 'm' && l[4] == ' ';
  }

  /** {@code >From }, {@code >>From }: a body line the mbox writer quoted. */
  private static boolean isQuotedFrom(byte[] l) {
    int i = 0;
    while (i < l.length && l[i] == '>') {
      i++;
    }
    return i > 0 && l.length - i >= 5 && l[i] == 'F' && l[i + 1] == 'r' && l[i + 2] == 'o' && l[i + 3] == 'm'
        && l[i + 4] == ' ';
  }

  /** {@code Name: value} with a printable field name (RFC 5322 §2.2). */
  private static boolean isHeaderLine(byte[] l) {
    for (int i = 0; i < l.length; i++) {
      byte b = l[i];
      if (b == ':') {
        return i > 0;
      }
      if (b <= 32 || b >= 127) {
        return false;
      }
    }
    return false;
  }
}
