package dev.postamt.jmap;

import dev.postamt.mime.MailDate;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes an RFC 5322 message with MIME (RFC 2045–2047) from a tree of parts: header fields folded at
 * 78 characters (RFC 5322 §2.2.3), non-ASCII text in fields as RFC 2047 encoded words, display names
 * quoted where they hold specials, text bodies as 7bit when they can be and quoted-printable
 * otherwise, anything else base64 (a {@code message/rfc822} part as 7bit or 8bit, RFC 2046 §5.2.1).
 * Lines end in CRLF throughout.
 */
final class MessageWriter {
  private static final SecureRandom RANDOM = new SecureRandom();

  private MessageWriter() {}

  /** One header field, its value unfolded (folded when written). */
  record Field(String name, String value) {}

  /** A part of the message: a leaf with content, or a multipart with children. */
  sealed interface Node permits Leaf, Multipart {
    List<Field> fields();
  }

  /**
   * @param fields extra fields of the part (Content-Disposition, Content-ID…), without Content-Type
   * @param contentType e.g. {@code text/plain; charset=utf-8}
   */
  record Leaf(List<Field> fields, String contentType, byte[] content) implements Node {}

  record Multipart(List<Field> fields, String subtype, List<Node> parts) implements Node {}

  /** The whole message: {@code top} fields (From, Subject…), then MIME-Version and the body. */
  static byte[] write(List<Field> top, Node body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder h = new StringBuilder();
    for (Field f : top) {
      fold(h, f.name(), f.value());
    }
    fold(h, "MIME-Version", "1.0");
    out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
    node(out, body, false);
    return out.toByteArray();
  }

  /**
   * @param inMultipart the CRLF before the next boundary belongs to the boundary (RFC 2046 §5.1.1), so
   *     the content is written as it is and the caller writes that CRLF; a message body that does not
   *     end in a line break gets one
   */
  private static void node(ByteArrayOutputStream out, Node n, boolean inMultipart) {
    StringBuilder h = new StringBuilder();
    switch (n) {
      case Leaf l -> {
        String type = l.contentType().toLowerCase(Locale.ROOT);
        byte[] content = l.content();
        String cte;
        byte[] body;
        if (type.startsWith("text/")) {
          byte[] crlf = crlf(content);
          if (sevenBit(crlf)) {
            cte = "7bit";
            body = crlf;
          } else {
            cte = "quoted-printable";
            body = quotedPrintable(crlf);
          }
        } else if (type.startsWith("message/")) {
          body = crlf(content);
          cte = sevenBit(body) ? "7bit" : "8bit";
        } else {
          cte = "base64";
          body = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encode(content);
        }
        fold(h, "Content-Type", l.contentType());
        fold(h, "Content-Transfer-Encoding", cte);
        l.fields().forEach(f -> fold(h, f.name(), f.value()));
        h.append("\r\n");
        out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        if (!inMultipart && body.length > 0 && body[body.length - 1] != '\n') {
          out.writeBytes(new byte[] {'\r', '\n'});
        }
      }
      case Multipart m -> {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        String boundary = "=_" + HexFormat.of().formatHex(b);
        fold(h, "Content-Type", "multipart/" + m.subtype() + "; boundary=\"" + boundary + "\"");
        m.fields().forEach(f -> fold(h, f.name(), f.value()));
        h.append("\r\n");
        out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
        for (Node child : m.parts()) {
          out.writeBytes(("--" + boundary + "\r\n").getBytes(StandardCharsets.US_ASCII));
          node(out, child, true);
          out.writeBytes(new byte[] {'\r', '\n'});
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
      }
    }
  }

  /** Appends {@code name: value} folded at white space before 78 characters where it can be. */
  static void fold(StringBuilder b, String name, String value) {
    String v = value.replace("\r", " ").replace("\n", " ");
    StringBuilder line = new StringBuilder(name).append(':');
    int lineStart = 0;
    for (String word : v.split(" ", -1)) {
      if (word.isEmpty()) {
        continue;
      }
      if (line.length() - lineStart + 1 + word.length() > 78 && line.length() - lineStart > name.length() + 1) {
        line.append("\r\n");
        lineStart = line.length();
      }
      line.append(' ').append(word);
    }
    b.append(line).append("\r\n");
  }

  static String date(ZonedDateTime t) {
    return MailDate.format(t);
  }

  /** Unstructured text (RFC 5322 §3.2.5): as it is when ASCII, else RFC 2047 encoded words. */
  static String text(String s) {
    return ascii(s) ? s : encodedWords(s);
  }

  /** A display name: an atom sequence as is, quoted when it holds specials, encoded when not ASCII. */
  static String phrase(String s) {
    if (!ascii(s)) {
      return encodedWords(s);
    }
    if (s.matches("[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\- ]*")) {
      return s;
    }
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** An address list for From, To…: {@code name <email>} or {@code email}, comma separated. */
  static String addresses(List<Map<String, Object>> list) {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> a : list) {
      String email = String.valueOf(a.get("email"));
      Object name = a.get("name");
      out.add(name instanceof String n && !n.isBlank() ? phrase(n.strip()) + " <" + email + ">" : email);
    }
    return String.join(", ", out);
  }

  static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c > 126 || (c < 32 && c != '\t')) {
        return false;
      }
    }
    return true;
  }

  /** RFC 2047 B encoding in words of at most 45 bytes of UTF-8, never splitting a character. */
  static String encodedWords(String s) {
    StringBuilder out = new StringBuilder();
    ByteArrayOutputStream word = new ByteArrayOutputStream();
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
      if (word.size() + b.length > 45) {
        flushWord(out, word);
      }
      word.writeBytes(b);
      i += Character.charCount(cp);
    }
    flushWord(out, word);
    return out.toString();
  }

  private static void flushWord(StringBuilder out, ByteArrayOutputStream word) {
    if (word.size() == 0) {
      return;
    }
    if (!out.isEmpty()) {
      out.append(' ');
    }
    out.append("=?UTF-8?B?").append(Base64.getEncoder().encodeToString(word.toByteArray())).append("?=");
    word.reset();
  }

  /** Line ends as CRLF, whatever they were. */
  static byte[] crlf(byte[] in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 64);
    for (int i = 0; i < in.length; i++) {
      byte c = in[i];
      if (c == '\r') {
        out.write('\r');
        out.write('\n');
        if (i + 1 < in.length && in[i + 1] == '\n') {
          i++;
        }
      } else if (c == '\n') {
        out.write('\r');
        out.write('\n');
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  /** ASCII without NUL, lines at most 998 octets (RFC 5322 §2.1.1), CRLF line ends. */
  static boolean sevenBit(byte[] b) {
    int line = 0;
    for (byte c : b) {
      if (c < 0 || c == 0) {
        return false;
      }
      if (c == '\n') {
        line = 0;
      } else if (++line > 998) {
        return false;
      }
    }
    return true;
  }

  /** RFC 2045 §6.7 quoted-printable of CRLF text: soft breaks before 76, trailing white space encoded. */
  static byte[] quotedPrintable(byte[] in) {
    StringBuilder out = new StringBuilder(in.length * 3 / 2);
    int col = 0;
    for (int i = 0; i < in.length; i++) {
      int c = in[i] & 0xff;
      if (c == '\r' && i + 1 < in.length && in[i + 1] == '\n') {
        out.append("\r\n");
        col = 0;
        i++;
        continue;
      }
      boolean endOfLine = i + 1 >= in.length || in[i + 1] == '\r';
      String enc;
      if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !endOfLine)) {
        enc = String.valueOf((char) c);
      } else {
        enc = String.format("=%02X", c);
      }
      if (col + enc.length() > 75) {
        out.append("=\r\n");
        col = 0;
      }
      out.append(enc);
      col += enc.length();
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
