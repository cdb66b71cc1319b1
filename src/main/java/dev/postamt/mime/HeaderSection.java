package dev.postamt.mime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The header section of a message as the signing and verifying code needs it: each field exactly as
 * it came, folds included, so it can be hashed. Bytes are decoded as ISO-8859-1, which maps every byte
 * to one char and back, so UTF-8 headers (RFC 6532) hash unchanged. Line ends are normalised to CRLF:
 * messages stored with bare LF verify like their wire form.
 *
 * <p>Reading stops after the empty line that ends the header section; the rest of the stream is the
 * body and is left unread for the caller to stream. The section is bounded so a hostile message cannot
 * make us buffer without end.
 */
public final class HeaderSection {
  /** Upper bound for the header section; larger sections are rejected as unverifiable. */
  public static final int MAX_BYTES = 1 << 20;

  /** One field: its name as written and its raw text including folds and the final CRLF. */
  public record Field(String name, String raw) {
    /** The text after the colon, folds kept, final CRLF removed. */
    public String value() {
      int colon = raw.indexOf(':');
      return raw.substring(colon + 1, raw.length() - 2);
    }

    public boolean is(String other) {
      return name.equalsIgnoreCase(other);
    }
  }

  /** Thrown when the header section exceeds {@link #MAX_BYTES}. */
  public static final class TooLargeException extends IOException {
    public TooLargeException() {
      super("header section larger than " + MAX_BYTES + " bytes");
    }
  }

  private final List<Field> fields;

  private HeaderSection(List<Field> fields) {
    this.fields = List.copyOf(fields);
  }

  public static HeaderSection of(List<Field> fields) {
    return new HeaderSection(fields);
  }

  /**
   * Reads the header section and the empty line after it; the stream is left at the first body byte.
   * A stream that supports {@link InputStream#mark} (a {@link java.io.BufferedInputStream}) is read in
   * blocks and then put back to just after the empty line; any other is read byte by byte so as not to
   * consume body bytes: give it a buffered stream.
   */
  public static HeaderSection read(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    if (in.markSupported()) {
      in.mark(MAX_BYTES + 1);
      byte[] buf = new byte[4096];
      int have = 0;
      int scanned = 0; // where the line being scanned starts: lines before it are in 'lines'
      while (true) {
        if (have == buf.length) {
          buf = java.util.Arrays.copyOf(buf, Math.min(buf.length * 2, MAX_BYTES + 1));
        }
        int n = in.read(buf, have, Math.min(buf.length, MAX_BYTES + 1) - have);
        if (n < 0) {
          int end = lines(buf, scanned, have, lines);
          if (end >= 0) {
            return reset(in, end, lines);
          }
          endOfStream(buf, nextLine(buf, scanned, have), have, lines);
          return new HeaderSection(fold(lines));
        }
        have += n;
        int end = lines(buf, scanned, Math.min(have, MAX_BYTES), lines);
        if (end >= 0) {
          return reset(in, end, lines);
        }
        if (have > MAX_BYTES) {
          throw new TooLargeException();
        }
        scanned = nextLine(buf, scanned, have);
      }
    }
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    int total = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (line.size() > 0) {
          lines.add(line.toString(StandardCharsets.ISO_8859_1));
        }
        break;
      }
      if (++total > MAX_BYTES) {
        throw new TooLargeException();
      }
      if (b == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        if (s.endsWith("\r")) {
          s = s.substring(0, s.length() - 1);
        }
        line.reset();
        if (s.isEmpty()) {
          break; // end of header section
        }
        lines.add(s);
      } else {
        line.write(b);
      }
    }
    return new HeaderSection(fold(lines));
  }

  private static HeaderSection reset(InputStream in, int consumed, List<String> lines) throws IOException {
    in.reset();
    in.skipNBytes(consumed);
    return new HeaderSection(fold(lines));
  }

  /**
   * Adds the complete lines of {@code b[from, to)} (LF-terminated, one CR before the LF dropped) to
   * {@code lines} until the empty line; returns the offset just after the empty line's LF, or -1 when
   * {@code to} came first (the unfinished last line is not added). {@code from} is a line start.
   */
  private static int lines(byte[] b, int from, int to, List<String> lines) {
    int lineStart = from;
    for (int i = from; i < to; i++) {
      if (b[i] == '\n') {
        int e = i > lineStart && b[i - 1] == '\r' ? i - 1 : i;
        if (e == lineStart) {
          return i + 1; // the empty line: the end of the header section
        }
        lines.add(new String(b, lineStart, e - lineStart, StandardCharsets.ISO_8859_1));
        lineStart = i + 1;
      }
    }
    return -1;
  }

  /** Where the first unfinished line of {@code b[from, to)} starts (just after its last LF). */
  private static int nextLine(byte[] b, int from, int to) {
    for (int i = to - 1; i >= from; i--) {
      if (b[i] == '\n') {
        return i + 1;
      }
    }
    return from;
  }

  /** At the end of the message without an empty line: an unfinished last line is a line as it is. */
  private static void endOfStream(byte[] b, int lineStart, int end, List<String> lines) {
    if (end > lineStart) {
      lines.add(new String(b, lineStart, end - lineStart, StandardCharsets.ISO_8859_1));
    }
  }

  /** Parses a header section given as bytes (the body, if any, is ignored). */
  public static HeaderSection parse(byte[] message) {
    List<String> lines = new ArrayList<>();
    int end = lines(message, 0, Math.min(message.length, MAX_BYTES), lines);
    if (end < 0) {
      if (message.length > MAX_BYTES) {
        TooLargeException e = new TooLargeException();
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      endOfStream(message, nextLine(message, 0, message.length), message.length, lines);
    }
    return new HeaderSection(fold(lines));
  }

  private static List<Field> fold(List<String> lines) {
    List<Field> out = new ArrayList<>();
    StringBuilder cur = null;
    for (String l : lines) {
      boolean continuation = !l.isEmpty() && (l.charAt(0) == ' ' || l.charAt(0) == '\t');
      if (continuation && cur != null) {
        cur.append(l).append("\r\n");
        continue;
      }
      if (cur != null) {
        out.add(field(cur.toString()));
      }
      cur = new StringBuilder(l).append("\r\n");
    }
    if (cur != null) {
      out.add(field(cur.toString()));
    }
    // A line with no colon is not a field (e.g. an mbox "From " line); it cannot be selected by
    // name, so dropping it changes no hash.
    out.removeIf(f -> f == null);
    return out;
  }

  private static Field field(String raw) {
    int colon = raw.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    String name = raw.substring(0, colon);
    // RFC 5322 allows no white space before the colon, but RFC 822 did; relaxed canonicalisation
    // strips it, so accept it here and keep the raw text for simple canonicalisation.
    return new Field(name.strip(), raw);
  }

  public List<Field> fields() {
    return fields;
  }

  /** All fields named {@code name}, top to bottom. */
  public List<Field> all(String name) {
    List<Field> out = new ArrayList<>();
    for (Field f : fields) {
      if (f.is(name)) {
        out.add(f);
      }
    }
    return out;
  }

  public int count(String name) {
    int n = 0;
    for (Field f : fields) {
      if (f.is(name)) {
        n++;
      }
    }
    return n;
  }

  public static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
