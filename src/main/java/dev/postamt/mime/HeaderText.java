package dev.postamt.mime;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Header field text: unfolding, structured parameters, RFC 2047 encoded words, RFC 5322 dates. */
public final class HeaderText {
  private HeaderText() {}

  /** RFC 5322 §2.2.3: removes the CRLF of folded lines, keeping the white space after it. */
  public static String unfold(String raw) {
    int first = firstLineBreak(raw);
    if (first < 0) {
      return raw; // most values are one line
    }
    StringBuilder b = new StringBuilder(raw.length() - 1).append(raw, 0, first);
    for (int i = first + 1; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '\r' && c != '\n') {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static int firstLineBreak(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\r' || c == '\n') {
        return i;
      }
    }
    return -1;
  }

  /**
   * {@code unfold(value).strip()} of the field value in {@code d[from, to)} read as ISO-8859-1, made as
   * one string (a string of the raw value, its unfolded copy and its stripped copy were three per field,
   * and a message's header is parsed by the spam check, Sieve and the index).
   */
  static String unfoldedStripped(byte[] d, int from, int to) {
    int s = from;
    while (s < to && Character.isWhitespace((char) (d[s] & 0xff))) {
      s++;
    }
    int e = to;
    while (e > s && Character.isWhitespace((char) (d[e - 1] & 0xff))) {
      e--;
    }
    int breaks = 0;
    for (int i = s; i < e; i++) {
      if (d[i] == '\r' || d[i] == '\n') {
        breaks++;
      }
    }
    if (breaks == 0) {
      return new String(d, s, e - s, StandardCharsets.ISO_8859_1);
    }
    byte[] b = new byte[e - s - breaks];
    int n = 0;
    for (int i = s; i < e; i++) {
      if (d[i] != '\r' && d[i] != '\n') {
        b[n++] = d[i];
      }
    }
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  /**
   * Parses {@code type/subtype; name=value; ...} (RFC 2045 §5.1) into {@code params} (lower-case names,
   * RFC 2231 pieces joined by {@link MimeParameters}) and returns the lower-case {@code type/subtype},
   * or null when the value is malformed.
   */
  public static String parseContentType(String v, Map<String, String> params) {
    int semi = indexOutsideQuotes(v, ';', 0);
    String t = stripComments(semi < 0 ? v : v.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    if (!t.matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+")) {
      return null;
    }
    if (semi >= 0) {
      MimeParameters.parse(v.substring(semi + 1), params);
    }
    return t;
  }

  /** Parses a disposition such as {@code attachment; filename=a.txt}; returns the lower-case value. */
  public static String parseDisposition(String v, Map<String, String> params) {
    int semi = indexOutsideQuotes(v, ';', 0);
    String t = stripComments(semi < 0 ? v : v.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    if (semi >= 0) {
      MimeParameters.parse(v.substring(semi + 1), params);
    }
    return t;
  }

  static int indexOutsideQuotes(String s, char c, int from) {
    boolean q = false;
    for (int i = from; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (q && ch == '\\') {
        i++;
      } else if (ch == '"') {
        q = !q;
      } else if (!q && ch == c) {
        return i;
      }
    }
    return -1;
  }

  /** The content of a quoted string, backslash escapes removed; stops at the closing quote. */
  public static String unquote(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        b.append(s.charAt(++i));
      } else if (c == '"') {
        break;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Removes RFC 5322 comments {@code (…)}, which nest, outside quoted strings. */
  public static String stripComments(String s) {
    StringBuilder b = new StringBuilder();
    int depth = 0;
    boolean q = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (depth == 0 && c == '"') {
        q = !q;
      }
      if (!q && c == '(') {
        depth++;
      } else if (!q && c == ')' && depth > 0) {
        depth--;
      } else if (depth == 0) {
        b.append(c);
        if (q && c == '\\' && i + 1 < s.length()) {
          b.append(s.charAt(++i));
        }
      }
    }
    return b.toString();
  }

  private static final Pattern ENCODED_WORD =
      Pattern.compile("=\\?([^?\\s]+)\\?([bBqQ])\\?([^?\\s]*)\\?=");

  /**
   * Header text as a person reads it: raw bytes taken as UTF-8 when valid (RFC 6532), then RFC 2047
   * encoded words decoded; white space between adjacent encoded words dropped.
   */
  public static String decode(String latin1) {
    String s = toUnicode(latin1);
    Matcher m = ENCODED_WORD.matcher(s);
    StringBuilder b = new StringBuilder();
    int last = 0;
    boolean prevEncoded = false;
    while (m.find()) {
      String between = s.substring(last, m.start());
      if (!(prevEncoded && between.isBlank())) {
        b.append(between);
      }
      b.append(decodeWord(m.group(1), m.group(2), m.group(3), m.group()));
      last = m.end();
      prevEncoded = true;
    }
    b.append(s.substring(last));
    return b.toString();
  }

  private static String decodeWord(String charset, String enc, String text, String whole) {
    try {
      int star = charset.indexOf('*');
      Charset cs = Charset.forName(star < 0 ? charset : charset.substring(0, star));
      byte[] bytes;
      if (enc.equalsIgnoreCase("b")) {
        bytes = Base64.getMimeDecoder().decode(text);
      } else {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
          char c = text.charAt(i);
          if (c == '_') {
            o.write(' ');
          } else if (c == '=' && i + 2 < text.length()) {
            o.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
            i += 2;
          } else {
            o.write(c);
          }
        }
        bytes = o.toByteArray();
      }
      return new String(bytes, cs);
    } catch (RuntimeException e) {
      return whole;
    }
  }

  /** The chars of an ISO-8859-1 byte string read as UTF-8 when they are valid UTF-8. */
  public static String toUnicode(String latin1) {
    boolean ascii = true;
    for (int i = 0; i < latin1.length() && ascii; i++) {
      ascii = latin1.charAt(i) < 0x80;
    }
    if (ascii) {
      return latin1;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1)))
          .toString();
    } catch (CharacterCodingException e) {
      return latin1;
    }
  }

  /** An RFC 5322 date-time (leniently, see {@link DateParser}), or null. */
  public static ZonedDateTime parseDate(String v) {
    return v == null ? null : DateParser.parse(stripComments(v).strip());
  }
}
