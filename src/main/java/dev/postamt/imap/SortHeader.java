package dev.postamt.imap;

import dev.postamt.mime.HeaderSection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The few header fields that SORT and THREAD use ({@link #NAMES}), read from the start of a message
 * without parsing the rest: the bytes are read in small chunks only up to the empty line that ends the
 * header section (the body is never read), and only the wanted fields become strings. On a large
 * mailbox this is what a cold SORT costs per message, so it avoids {@link HeaderSection}'s per-byte
 * reads and per-field strings, but gives exactly what a {@link HeaderSection} of the same bytes would:
 * the value of the first field of each name as {@link HeaderSection.Field#value} has it (text after the
 * colon, folds kept, every line end as CRLF), the same lines ending the section (RFC 5322 §2.1: the first
 * empty line, bare LF accepted), and nothing at all when the section is larger than {@link
 * HeaderSection#MAX_BYTES}. {@code SortHeaderTest} checks the two against each other.
 */
final class SortHeader {
  /** The fields read, in the order of {@link #read}'s answer. */
  static final String[] NAMES = {"Date", "Subject", "From", "To", "Cc", "Message-ID", "References", "In-Reply-To"};

  static final int DATE = 0;
  static final int SUBJECT = 1;
  static final int FROM = 2;
  static final int TO = 3;
  static final int CC = 4;
  static final int MESSAGE_ID = 5;
  static final int REFERENCES = 6;
  static final int IN_REPLY_TO = 7;

  /** The first read; most header sections fit, a longer one costs another read per chunk. */
  static final int CHUNK = 4096;

  private SortHeader() {}

  /**
   * The first value of each of {@link #NAMES} (null where there is none), or null when the header
   * section is larger than {@link HeaderSection#MAX_BYTES}. Reads from {@code in} as it comes, in chunks
   * of {@link #CHUNK} bytes, and stops once the header section is whole.
   */
  static String[] read(InputStream in) throws IOException {
    return read(in, new Buffer());
  }

  /** The bytes a reader reads into, kept from one message to the next (a thread's own). */
  static final class Buffer {
    /** A buffer grown beyond this for a long header section is not kept. */
    static final int KEEP = 64 * 1024;

    private byte[] bytes = new byte[CHUNK];
  }

  /** {@link #read(InputStream)} into {@code buffer}, which spares a large mailbox's reads an allocation each. */
  static String[] read(InputStream in, Buffer buffer) throws IOException {
    byte[] b = buffer.bytes;
    try {
      return read(in, b, buffer);
    } finally {
      if (buffer.bytes.length > Buffer.KEEP) {
        buffer.bytes = new byte[CHUNK];
      }
    }
  }

  private static String[] read(InputStream in, byte[] b, Buffer buffer) throws IOException {
    int len = 0;
    int lineStart = 0;
    int scanned = 0;
    while (true) {
      // Look for the empty line among the lines complete so far.
      for (int i = scanned; i < len; i++) {
        if (b[i] == '\n') {
          int n = i - lineStart;
          if (n == 0 || (n == 1 && b[lineStart] == '\r')) {
            return i + 1 > HeaderSection.MAX_BYTES ? null : fields(b, lineStart);
          }
          lineStart = i + 1;
        }
      }
      scanned = len;
      if (len > HeaderSection.MAX_BYTES) {
        return null;
      }
      if (len == b.length) {
        b = Arrays.copyOf(b, Math.min(2 * b.length, HeaderSection.MAX_BYTES + CHUNK));
        buffer.bytes = b;
      }
      int n = in.read(b, len, b.length - len);
      if (n < 0) {
        return len > HeaderSection.MAX_BYTES ? null : fields(b, len);
      }
      len += n;
    }
  }

  /** {@link #read} of a message held in memory. */
  static String[] parse(byte[] message) {
    try {
      return read(new java.io.ByteArrayInputStream(message));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The wanted fields of the header lines in {@code b[0, end)}, each line ended by LF or CRLF; at the
   * end of a message without an empty line, the last line may lack its LF (and then keeps a CR it ends
   * with, as in HeaderSection).
   */
  private static String[] fields(byte[] b, int end) {
    String[] out = new String[NAMES.length];
    int found = 0;
    int pos = 0;
    while (pos < end && found < NAMES.length) {
      // One field: its first line and the continuation lines (starting with SP or HTAB) after it.
      int fieldEnd = lineEnd(b, pos, end);
      while (fieldEnd < end && (b[fieldEnd] == ' ' || b[fieldEnd] == '\t')) {
        fieldEnd = lineEnd(b, fieldEnd, end);
      }
      int first = contentEnd(b, pos, lineEnd(b, pos, end));
      int colon = indexOf(b, pos, first, (byte) ':');
      if (colon < 0) {
        // No colon on the first line: the rare (and odd) shapes go through the exact slow path.
        String raw = raw(b, pos, fieldEnd, end);
        int c = raw.indexOf(':');
        if (c > 0) {
          found += take(out, raw.substring(0, c).strip(), raw.substring(c + 1, raw.length() - 2));
        }
      } else if (colon > pos) {
        int i = wanted(out, b, pos, colon);
        if (i >= 0) {
          String raw = raw(b, pos, fieldEnd, end);
          out[i] = raw.substring(colon - pos + 1, raw.length() - 2);
          found++;
        }
      }
      pos = fieldEnd;
    }
    return out;
  }

  /** Stores {@code value} under {@code name} if it is a wanted name not seen yet; 1 if it did. */
  private static int take(String[] out, String name, String value) {
    for (int i = 0; i < NAMES.length; i++) {
      if (out[i] == null && NAMES[i].equalsIgnoreCase(name)) {
        out[i] = value;
        return 1;
      }
    }
    return 0;
  }

  /** The index of the wanted, not yet found name that {@code b[from, colon)} spells (white space around it ignored), or -1. */
  private static int wanted(String[] out, byte[] b, int from, int colon) {
    int s = from;
    int e = colon;
    while (s < e && Character.isWhitespace((char) (b[s] & 0xff))) {
      s++;
    }
    while (e > s && Character.isWhitespace((char) (b[e - 1] & 0xff))) {
      e--;
    }
    for (int i = 0; i < NAMES.length; i++) {
      if (out[i] == null && NAMES[i].length() == e - s && sameName(NAMES[i], b, s)) {
        return i;
      }
    }
    return -1;
  }

  /** ASCII case-insensitive; no other ISO-8859-1 character folds to an ASCII letter. */
  private static boolean sameName(String name, byte[] b, int at) {
    for (int k = 0; k < name.length(); k++) {
      int c = name.charAt(k);
      int x = b[at + k] & 0xff;
      if (c != x && !(Character.isLetter(c) && (c | 0x20) == (x | 0x20))) {
        return false;
      }
    }
    return true;
  }

  /** The field's text as HeaderSection keeps it: its lines joined and each ended by CRLF. */
  private static String raw(byte[] b, int from, int to, int end) {
    StringBuilder sb = new StringBuilder(to - from + 8);
    for (int p = from; p < to; ) {
      int next = lineEnd(b, p, end);
      int c = contentEnd(b, p, next);
      for (int k = p; k < c; k++) {
        sb.append((char) (b[k] & 0xff));
      }
      sb.append("\r\n");
      p = next;
    }
    return sb.toString();
  }

  /** The start of the line after the one at {@code p} (past its LF), or {@code end}. */
  private static int lineEnd(byte[] b, int p, int end) {
    int i = indexOf(b, p, end, (byte) '\n');
    return i < 0 ? end : i + 1;
  }

  /** The end of the line's text: before its LF and one CR before that (a last line without LF keeps its CR). */
  private static int contentEnd(byte[] b, int p, int next) {
    if (next > p && b[next - 1] == '\n') {
      int c = next - 1;
      return c > p && b[c - 1] == '\r' ? c - 1 : c;
    }
    return next; // the last line, cut by the end of the message
  }

  private static int indexOf(byte[] b, int from, int to, byte x) {
    for (int i = from; i < to; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }
}
