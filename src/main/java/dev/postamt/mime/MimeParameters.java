package dev.postamt.mime;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ; name=value} list after a Content-Type or Content-Disposition value (RFC 2045 §5.1), with
 * RFC 2231 continuations and character sets put together, as RFC 9051 §7.5.2 (body-fld-param) asks of a
 * server's BODYSTRUCTURE:
 *
 * <ul>
 *   <li>{@code name*0="a"; name*1="b"} becomes {@code name="ab"};
 *   <li>{@code name*=utf-8''%E2%82%AC.txt}, and {@code name*0*=…; name*1*=…; name*2=…} mixes, become one
 *       {@code name*} whose value is the whole text converted to UTF-8 and written again in RFC 2231's
 *       {@code charset'language'percent-encoded} form: {@code name*="utf-8''%E2%82%AC.txt"}.
 * </ul>
 *
 * The second keeps the parameter 7-bit, which IMAP4rev1 strings need, and readable by every client that
 * knows RFC 2231 (Dovecot sends the same shape, though without the conversion to UTF-8). A value whose
 * character set Java does not know keeps its charset and octets. A plain {@code name} beside an
 * encoded {@code name*} (an RFC 2231 sender's fallback for old readers) is kept as its own parameter.
 */
public final class MimeParameters {
  private MimeParameters() {}

  /** {@code name*}, {@code name*N} or {@code name*N*}: RFC 2231 §3 and §4. */
  private static final Pattern EXTENDED = Pattern.compile("(.+?)\\*(?:(\\d{1,3})(\\*)?)?");
  /** RFC 2231 attribute-char: what may stay unencoded in an extended value. */
  private static final String ATTRIBUTE_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`{|}~";

  /** One piece of a split or encoded parameter. */
  private record Segment(String value, boolean encoded) {}

  /** Parses {@code s} into {@code params}: lower-case names, the first of repeated names wins. */
  public static void parse(String s, Map<String, String> params) {
    // In the order the message names them: a plain value, or the pieces of "name*…" under "name*".
    Map<String, Object> found = new LinkedHashMap<>();
    int i = 0;
    while (i < s.length()) {
      int semi = HeaderText.indexOutsideQuotes(s, ';', i);
      String p = s.substring(i, semi < 0 ? s.length() : semi);
      int eq = p.indexOf('=');
      if (eq > 0) {
        String name = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        String value = p.substring(eq + 1).strip();
        value = value.startsWith("\"") ? HeaderText.unquote(value) : HeaderText.stripComments(value).strip();
        if (!name.isEmpty()) {
          add(found, name, value);
        }
      }
      if (semi < 0) {
        break;
      }
      i = semi + 1;
    }
    for (var e : found.entrySet()) {
      if (e.getValue() instanceof Segments segments) {
        String base = e.getKey().substring(0, e.getKey().length() - 1);
        if (segments.get(0) == null) {
          continue; // continuations without their start: nothing sensible to show
        }
        if (segments.get(0).encoded()) {
          params.putIfAbsent(e.getKey(), joinEncoded(segments));
        } else {
          params.putIfAbsent(base, joinPlain(segments));
        }
      } else {
        params.putIfAbsent(e.getKey(), (String) e.getValue());
      }
    }
  }

  /** The sections of one parameter by number. */
  private static final class Segments extends TreeMap<Integer, Segment> {}

  private static void add(Map<String, Object> found, String name, String value) {
    Matcher m = EXTENDED.matcher(name);
    if (!m.matches()) {
      found.putIfAbsent(name, value);
      return;
    }
    // "name*" is section 0, encoded; "name*N" plain text; "name*N*" encoded.
    int section = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    boolean encoded = m.group(2) == null || m.group(3) != null;
    Segments segments = (Segments) found.computeIfAbsent(m.group(1) + "*", k -> new Segments());
    segments.putIfAbsent(section, new Segment(value, encoded));
  }

  /** Sections 0, 1, 2… as far as they go without a gap (RFC 2231 §3: a gap ends the value). */
  private static String joinPlain(Segments segments) {
    StringBuilder b = new StringBuilder();
    int next = 0;
    for (var e : segments.entrySet()) {
      if (e.getKey() != next++) {
        break;
      }
      b.append(e.getValue().value());
    }
    return b.toString();
  }

  private static String joinEncoded(Segments segments) {
    String first = segments.firstEntry().getValue().value();
    String charset = "";
    String language = "";
    int q1 = first.indexOf('\'');
    int q2 = q1 < 0 ? -1 : first.indexOf('\'', q1 + 1);
    ByteArrayOutputStream octets = new ByteArrayOutputStream();
    if (q2 >= 0) {
      charset = first.substring(0, q1);
      language = first.substring(q1 + 1, q2);
      first = first.substring(q2 + 1);
    }
    int next = 0;
    for (var e : segments.entrySet()) {
      if (e.getKey() != next++) {
        break;
      }
      String v = e.getKey() == 0 ? first : e.getValue().value();
      if (e.getValue().encoded()) {
        percentDecode(v, octets);
      } else {
        octets.writeBytes(v.getBytes(StandardCharsets.ISO_8859_1)); // header text: one char per octet
      }
    }
    byte[] raw = octets.toByteArray();
    String text = decode(raw, charset);
    if (text == null) {
      return charset + "'" + language + "'" + percentEncode(raw);
    }
    return "utf-8'" + language + "'" + percentEncode(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The octets as text, or null when the charset is unknown or they are not valid in it. */
  private static String decode(byte[] raw, String charset) {
    try {
      Charset cs = charset.isEmpty() ? StandardCharsets.UTF_8 : Charset.forName(charset);
      return cs.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw))
          .toString();
    } catch (CharacterCodingException | IllegalArgumentException e) {
      return null;
    }
  }

  /** {@code %XX} to an octet; a {@code %} not followed by two hex digits stays as it is. */
  private static void percentDecode(String v, ByteArrayOutputStream out) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '%' && i + 2 < v.length() && hex(v.charAt(i + 1)) >= 0 && hex(v.charAt(i + 2)) >= 0) {
        out.write(hex(v.charAt(i + 1)) * 16 + hex(v.charAt(i + 2)));
        i += 2;
      } else {
        out.write(c & 0xff);
      }
    }
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }

  private static String percentEncode(byte[] octets) {
    StringBuilder b = new StringBuilder();
    for (byte x : octets) {
      int c = x & 0xff;
      if (c < 0x80 && ATTRIBUTE_CHARS.indexOf(c) >= 0) {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return b.toString();
  }
}
