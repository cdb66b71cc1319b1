package dev.postamt.mime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One MIME entity of a message held as bytes: where its header and body are, its parsed header fields
 * and Content-Type, and its children (parts of a multipart, or the message inside message/rfc822).
 * Nothing is copied; every part points into the one byte array, so IMAP can answer {@code BODY[1.2]}
 * by offsets (RFC 3501 §6.4.5, RFC 2045/2046).
 *
 * <p>Header values are kept as ISO-8859-1 strings: one char per byte, so raw 8-bit or UTF-8 header text
 * goes back out unchanged.
 */
public final class MimePart {
  /** One header field: name, the unfolded value, and its raw byte range (including the CRLF). */
  public record Field(String name, String value, int start, int end) {}

  private static final int MAX_DEPTH = 64;

  final byte[] data;
  final int start;
  final int bodyStart;
  final int end;
  final List<Field> fields;
  final String type;
  final String subtype;
  final Map<String, String> params;
  final List<MimePart> children = new ArrayList<>();
  MimePart message;

  private MimePart(byte[] data, int start, int end, String defaultType, int depth) {
    this.data = data;
    this.start = start;
    this.end = end;
    this.fields = new ArrayList<>();
    this.bodyStart = parseFields(data, start, end, fields);
    String ct = header("Content-Type");
    String t = defaultType;
    Map<String, String> p = new LinkedHashMap<>();
    if (ct != null) {
      String parsed = HeaderText.parseContentType(ct, p);
      if (parsed != null) {
        t = parsed;
      } else {
        p.clear();
      }
    }
    if (ct == null && defaultType.equals("text/plain")) {
      p.put("charset", "us-ascii");
    }
    int slash = t.indexOf('/');
    this.type = t.substring(0, slash);
    this.subtype = t.substring(slash + 1);
    this.params = p;
    if (depth >= MAX_DEPTH) {
      return;
    }
    if (type.equals("multipart") && p.get("boundary") != null && !p.get("boundary").isEmpty()) {
      String childDefault = subtype.equals("digest") ? "message/rfc822" : "text/plain";
      for (int[] r : splitParts(data, bodyStart, end, p.get("boundary"))) {
        children.add(new MimePart(data, r[0], r[1], childDefault, depth + 1));
      }
    } else if (type.equals("message") && (subtype.equals("rfc822") || subtype.equals("global"))) {
      message = new MimePart(data, bodyStart, end, "text/plain", depth + 1);
    }
  }

  /** Parses a whole message (RFC 5322 + MIME). Never fails: odd input gives a best-effort tree. */
  public static MimePart parse(byte[] data) {
    return new MimePart(data, 0, data.length, "text/plain", 0);
  }

  public byte[] data() {
    return data;
  }

  public int start() {
    return start;
  }

  /** Offset of the body (just after the blank line, or {@link #end} when there is no body). */
  public int bodyStart() {
    return bodyStart;
  }

  public int end() {
    return end;
  }

  public List<Field> fields() {
    return fields;
  }

  /** Lower-case MIME type, e.g. {@code text}. */
  public String type() {
    return type;
  }

  public String subtype() {
    return subtype;
  }

  /** Content-Type parameters with lower-case names, in order. */
  public Map<String, String> params() {
    return params;
  }

  public boolean isMultipart() {
    return type.equals("multipart") && !children.isEmpty();
  }

  public List<MimePart> children() {
    return children;
  }

  /** The message inside a message/rfc822 part, else null. */
  public MimePart message() {
    return message;
  }

  /** The first value of header {@code name} (case-insensitive), unfolded; null when absent. */
  public String header(String name) {
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        return f.value();
      }
    }
    return null;
  }

  public List<String> headers(String name) {
    List<String> out = new ArrayList<>();
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        out.add(f.value());
      }
    }
    return out;
  }

  /** Number of lines of the body (for BODYSTRUCTURE of text and message parts). */
  public int bodyLines() {
    int n = 0;
    for (int i = bodyStart; i < end; i++) {
      if (data[i] == '\n') {
        n++;
      }
    }
    if (end > bodyStart && data[end - 1] != '\n') {
      n++;
    }
    return n;
  }

  public int headerSize() {
    return bodyStart - start;
  }

  public int bodySize() {
    return end - bodyStart;
  }

  /** Content-Transfer-Encoding, lower case, default {@code 7bit}. */
  public String encoding() {
    String e = header("Content-Transfer-Encoding");
    return e == null || e.isBlank() ? "7bit" : e.trim().toLowerCase(Locale.ROOT);
  }

  public String bodyText() {
    return new String(data, bodyStart, end - bodyStart, StandardCharsets.ISO_8859_1);
  }

  /**
   * Reads header fields from {@code start}; returns the offset of the body. A header ends at the first
   * empty line; a line that is neither a field nor a continuation ends the header too (RFC 5322 §2.2).
   */
  static int parseFields(byte[] d, int start, int end, List<Field> out) {
    int i = start;
    while (i < end) {
      if (d[i] == '\n') {
        return i + 1;
      }
      if (d[i] == '\r' && i + 1 < end && d[i + 1] == '\n') {
        return i + 2;
      }
      int lineEnd = lineEnd(d, i, end);
      int fieldEnd = lineEnd;
      while (fieldEnd < end && (d[fieldEnd] == ' ' || d[fieldEnd] == '\t')) {
        fieldEnd = lineEnd(d, fieldEnd, end);
      }
      int colon = -1;
      for (int k = i; k < lineEnd; k++) {
        if (d[k] == ':') {
          colon = k;
          break;
        }
        if (d[k] <= ' ' || d[k] == 127) {
          break;
        }
      }
      if (colon > i) {
        String name = new String(d, i, colon - i, StandardCharsets.ISO_8859_1);
        out.add(new Field(name, HeaderText.unfoldedStripped(d, colon + 1, fieldEnd), i, fieldEnd));
      } else if (colon < 0 && fieldEnd == lineEnd) {
        // Not a header line: the body starts here (no blank line in the message).
        return i;
      }
      i = fieldEnd;
    }
    return end;
  }

  static int lineEnd(byte[] d, int i, int end) {
    while (i < end && d[i] != '\n') {
      i++;
    }
    return i < end ? i + 1 : end;
  }

  /** Ranges of the body parts between {@code --boundary} lines (RFC 2046 §5.1.1). */
  static List<int[]> splitParts(byte[] d, int from, int end, String boundary) {
    byte[] b = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    List<int[]> out = new ArrayList<>();
    int partStart = -1;
    int i = from;
    while (i < end) {
      int next = lineEnd(d, i, end);
      if (startsWith(d, i, end, b)) {
        int after = i + b.length;
        boolean close = after + 1 < end && d[after] == '-' && d[after + 1] == '-';
        if (partStart >= 0) {
          // The CRLF before the delimiter belongs to the delimiter.
          int pe = i;
          if (pe > partStart && d[pe - 1] == '\n') {
            pe--;
            if (pe > partStart && d[pe - 1] == '\r') {
              pe--;
            }
          }
          out.add(new int[] {partStart, Math.max(pe, partStart)});
        }
        if (close) {
          return out;
        }
        partStart = next;
      }
      i = next;
    }
    if (partStart >= 0 && partStart <= end) {
      out.add(new int[] {partStart, end});
    }
    return out;
  }

  private static boolean startsWith(byte[] d, int i, int end, byte[] p) {
    if (i + p.length > end) {
      return false;
    }
    for (int k = 0; k < p.length; k++) {
      if (d[i + k] != p[k]) {
        return false;
      }
    }
    return true;
  }
}
