package dev.postamt.archive;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the records of one segment file in order, checking each record's own {@code sha256} as it
 * goes (the chain between records is the caller's: {@link ArchiveVerifier}, {@link JournalWriter}).
 * Streams: a record's data is never held in memory whole.
 */
final class SegmentReader implements AutoCloseable {
  private static final int MAX_LINE = 1 << 20;
  private static final int MAX_FIELDS = 100_000;

  private final String name;
  private final InputStream in;
  private final long size;
  private long pos;

  SegmentReader(Path file, long from) throws IOException {
    this.name = file.getFileName().toString();
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    this.size = ch.size();
    ch.position(from);
    this.in = new BufferedInputStream(Channels.newInputStream(ch), 64 * 1024);
    this.pos = from;
  }

  /** Where the next record starts. */
  long position() {
    return pos;
  }

  long size() {
    return size;
  }

  /**
   * The next record, its data copied to {@code data} when not null; null at the clean end of the file.
   *
   * @throws JournalDamage when what follows is not an intact record
   */
  JournalRecord next(OutputStream data) throws IOException {
    if (pos >= size) {
      return null;
    }
    long start = pos;
    MessageDigest md = sha256();
    String magic = line(md, start);
    if (!magic.equals(JournalRecord.MAGIC)) {
      throw damage(start, "not a journal record (expected \"" + JournalRecord.MAGIC + "\")");
    }
    List<JournalRecord.Field> fields = new ArrayList<>();
    long length = -1;
    while (true) {
      String l = line(md, start);
      if (l.isEmpty()) {
        break;
      }
      if (length >= 0) {
        throw damage(start, "field after length");
      }
      int colon = l.indexOf(": ");
      if (colon <= 0) {
        throw damage(start, "malformed header line \"" + shorten(l) + "\"");
      }
      String key = l.substring(0, colon);
      String value;
      try {
        value = JournalRecord.unescape(l.substring(colon + 2));
      } catch (IllegalArgumentException e) {
        throw damage(start, key + ": " + e.getMessage());
      }
      if (key.equals("length")) {
        length = number(start, key, value);
      } else if (fields.size() >= MAX_FIELDS) {
        throw damage(start, "too many header fields");
      } else {
        fields.add(new JournalRecord.Field(key, value));
      }
    }
    if (length < 0) {
      throw damage(start, "no length field");
    }
    if (fields.size() < 4 || !fields.get(0).key().equals("seq") || !fields.get(1).key().equals("type")
        || !fields.get(2).key().equals("time") || !fields.get(3).key().equals("prev")) {
      throw damage(start, "header must begin with seq, type, time, prev");
    }
    long seq = number(start, "seq", fields.get(0).value());
    Instant time;
    try {
      time = Instant.parse(fields.get(2).value());
    } catch (DateTimeParseException e) {
      throw damage(start, "bad time \"" + fields.get(2).value() + "\"");
    }
    String prev = fields.get(3).value();
    if (!prev.matches("[0-9a-f]{64}")) {
      throw damage(start, "bad prev \"" + shorten(prev) + "\"");
    }
    long dataOffset = pos;
    if (length > size - pos) {
      throw damage(start, "truncated: " + length + " data bytes announced, " + (size - pos) + " left in the segment");
    }
    copy(md, length, data, start);
    byte[] expected = md.digest();
    byte[] trailer = JournalRecord.trailer(expected);
    byte[] found = in.readNBytes(trailer.length);
    pos += found.length;
    if (found.length < trailer.length) {
      throw damage(start, "truncated: the record's sha256 line is missing or cut short");
    }
    if (!MessageDigest.isEqual(found, trailer)) {
      String text = new String(found, StandardCharsets.US_ASCII);
      if (!text.startsWith("\nsha256: ")) {
        throw damage(start, "no sha256 line after the data");
      }
      String stated = text.substring(9, text.length() - 1);
      JournalRecord asRead = new JournalRecord(name, start, seq, fields.get(1).value(), time, prev,
          List.copyOf(fields.subList(4, fields.size())), dataOffset, length, stated, pos);
      throw new JournalDamage(name, start, "seq " + seq + ": content does not match its sha256 (modified)", asRead);
    }
    return new JournalRecord(name, start, seq, fields.get(1).value(), time, prev,
        List.copyOf(fields.subList(4, fields.size())), dataOffset, length, HexFormat.of().formatHex(expected), pos);
  }

  private void copy(MessageDigest md, long length, OutputStream data, long start) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long left = length;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw damage(start, "truncated in its data");
      }
      md.update(buf, 0, n);
      if (data != null) {
        data.write(buf, 0, n);
      }
      left -= n;
      pos += n;
    }
  }

  private String line(MessageDigest md, long start) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw damage(start, "truncated in its header");
      }
      pos++;
      md.update((byte) c);
      if (c == '\n') {
        return b.toString(StandardCharsets.US_ASCII);
      }
      if (b.size() >= MAX_LINE) {
        throw damage(start, "header line too long");
      }
      b.write(c);
    }
  }

  private long number(long start, String key, String v) throws JournalDamage {
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw damage(start, "bad " + key + " \"" + shorten(v) + "\"");
    }
  }

  private JournalDamage damage(long start, String problem) {
    return new JournalDamage(name, start, problem);
  }

  private static String shorten(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
