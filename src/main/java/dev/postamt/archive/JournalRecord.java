package dev.postamt.archive;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * One record of a journal segment, as read back: its header fields in file order and where its data
 * lies. The byte layout (docs/archive.md, "Record format") is
 *
 * <pre>
 * POSTAMT-JOURNAL 1\n
 * seq: 17\n
 * type: message\n                      message | tombstone
 * time: 2026-12-04T21:35:18.123Z\n     ISO-8601, UTC
 * prev: 64 hex digits\n                the sha256 of the record before (64 zeros for the first)
 * KEY: VALUE\n                         … envelope (or tombstone) fields, values %-escaped
 * length: N\n
 * \n
 * N data bytes
 * \nsha256: 64 hex digits\n            SHA-256 of every byte from "POSTAMT-JOURNAL" to the last data byte
 * </pre>
 *
 * The {@code prev} field puts each record's predecessor's hash under its own hash: changing, removing,
 * inserting or reordering a record breaks the chain at that point.
 *
 * @param offset where the record starts in its segment
 * @param dataOffset where its data starts
 * @param end the offset just after its {@code sha256} line
 */
record JournalRecord(
    String segment, long offset, long seq, String type, Instant time, String prev, List<Field> fields,
    long dataOffset, long dataLength, String hash, long end) {

  static final String MAGIC = "POSTAMT-JOURNAL 1";
  static final String GENESIS = "0".repeat(64);
  static final String MESSAGE = "message";
  static final String TOMBSTONE = "tombstone";

  /** One header field, its value unescaped. */
  record Field(String key, String value) {}

  /** The first value of {@code key}. */
  Optional<String> first(String key) {
    return fields.stream().filter(f -> f.key().equals(key)).map(Field::value).findFirst();
  }

  List<String> all(String key) {
    return fields.stream().filter(f -> f.key().equals(key)).map(Field::value).toList();
  }

  /** The header of a new record, up to and including the empty line before its data. */
  static byte[] header(long seq, String type, Instant time, String prev, List<Field> fields, long dataLength) {
    StringBuilder b = new StringBuilder(512);
    b.append(MAGIC).append('\n');
    b.append("seq: ").append(seq).append('\n');
    b.append("type: ").append(type).append('\n');
    b.append("time: ").append(time).append('\n');
    b.append("prev: ").append(prev).append('\n');
    for (Field f : fields) {
      b.append(f.key()).append(": ").append(escape(f.value())).append('\n');
    }
    b.append("length: ").append(dataLength).append("\n\n");
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** The line after the data. */
  static byte[] trailer(byte[] sha256) {
    return ("\nsha256: " + HexFormat.of().formatHex(sha256) + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A value as it stands in a header line: its UTF-8 bytes, each of {@code %}, a control character
   * (below 0x20, 0x7F) and every byte from 0x80 written as {@code %XX} (upper-case hex), so that a
   * header is plain ASCII and one line.
   */
  static String escape(String v) {
    StringBuilder b = new StringBuilder(v.length());
    for (byte x : v.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c == '%' || c < 0x20 || c >= 0x7f) {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      } else {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  /** The inverse of {@link #escape}; a malformed escape is an {@link IllegalArgumentException}. */
  static String unescape(String v) {
    if (v.indexOf('%') < 0) {
      return v;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '%') {
        if (i + 2 >= v.length()) {
          throw new IllegalArgumentException("truncated %-escape");
        }
        int hi = Character.digit(v.charAt(i + 1), 16);
        int lo = Character.digit(v.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("bad %-escape");
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The fields of a tombstone's {@code dropped} line. */
  record Dropped(String segment, long firstSeq, long lastSeq, String prevIn, String lastHash, long records) {
    static Dropped parse(String v) {
      String[] p = v.split(" ");
      if (p.length != 6) {
        throw new IllegalArgumentException("dropped: expected 6 words, got " + p.length);
      }
      return new Dropped(p[0], Long.parseLong(p[1]), Long.parseLong(p[2]), p[3], p[4], Long.parseLong(p[5]));
    }

    String value() {
      return segment + " " + firstSeq + " " + lastSeq + " " + prevIn + " " + lastHash + " " + records;
    }
  }

  /** The {@code dropped} entries of a tombstone (none for a message). */
  List<Dropped> dropped() {
    List<Dropped> out = new ArrayList<>();
    for (String v : all("dropped")) {
      out.add(Dropped.parse(v));
    }
    return out;
  }
}
