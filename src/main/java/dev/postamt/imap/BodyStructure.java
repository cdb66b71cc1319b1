package dev.postamt.imap;

import static dev.postamt.imap.ResponseWriter.ascii;
import static dev.postamt.imap.ResponseWriter.nstringLatin1;

import dev.postamt.mime.Address;
import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MimePart;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** ENVELOPE, BODY and BODYSTRUCTURE of a parsed message (RFC 3501 §7.4.2, RFC 9051 §7.5.2). */
final class BodyStructure {
  private BodyStructure() {}

  /** {@code (date subject from sender reply-to to cc bcc in-reply-to message-id)}. */
  static void envelope(ByteArrayOutputStream o, MimePart m) {
    ascii(o, "(");
    nstringLatin1(o, m.header("Date"));
    ascii(o, " ");
    nstringLatin1(o, m.header("Subject"));
    List<Address> from = addresses(m, "From");
    ascii(o, " ");
    addressList(o, from);
    ascii(o, " ");
    List<Address> sender = addresses(m, "Sender");
    addressList(o, sender.isEmpty() ? from : sender);
    ascii(o, " ");
    List<Address> replyTo = addresses(m, "Reply-To");
    addressList(o, replyTo.isEmpty() ? from : replyTo);
    for (String h : List.of("To", "Cc", "Bcc")) {
      ascii(o, " ");
      addressList(o, addresses(m, h));
    }
    ascii(o, " ");
    nstringLatin1(o, m.header("In-Reply-To"));
    ascii(o, " ");
    nstringLatin1(o, m.header("Message-ID"));
    ascii(o, ")");
  }

  private static List<Address> addresses(MimePart m, String field) {
    String v = m.header(field);
    return v == null ? List.of() : Address.parseList(v);
  }

  private static void addressList(ByteArrayOutputStream o, List<Address> list) {
    if (list.isEmpty()) {
      ascii(o, "NIL");
      return;
    }
    ascii(o, "(");
    for (Address a : list) {
      ascii(o, "(");
      nstringLatin1(o, a.name());
      ascii(o, " ");
      nstringLatin1(o, a.adl());
      ascii(o, " ");
      nstringLatin1(o, a.mailbox());
      ascii(o, " ");
      nstringLatin1(o, a.host());
      ascii(o, ")");
    }
    ascii(o, ")");
  }

  /** BODYSTRUCTURE when {@code extended}, else the non-extensible BODY form. */
  static void body(ByteArrayOutputStream o, MimePart p, boolean extended) {
    body(o, p, extended, null);
  }

  /**
   * The extended BODYSTRUCTURE of leaf part {@code p} as its data reads once its transfer encoding is
   * undone, for URLFETCH's BODYPARTSTRUCTURE beside BINARY (RFC 5524 §3.1: the structure describes the
   * data sent, as the examples of its §4 show, where a decoded part is {@code "BINARY"}): the encoding
   * names the domain of {@code decoded} (RFC 3516 §4.2, RFC 2045 §2.7–2.9: {@code 7bit}, {@code 8bit}
   * or {@code binary}); size and lines are those of {@code decoded}, lines counted as line ends.
   */
  static void decodedLeaf(ByteArrayOutputStream o, MimePart p, byte[] decoded) {
    body(o, p, true, decoded);
  }

  /** The transfer-encoding domain of {@code data} (RFC 2045 §2.7–2.9). */
  static String domain(byte[] data) {
    boolean eight = false;
    int lineLength = 0;
    for (int i = 0; i < data.length; i++) {
      int b = data[i] & 0xff;
      boolean bareCr = b == '\r' && (i + 1 == data.length || data[i + 1] != '\n');
      boolean bareLf = b == '\n' && (i == 0 || data[i - 1] != '\r');
      if (b == 0 || bareCr || bareLf) {
        return "binary"; // NUL, or CR and LF other than as CRLF
      }
      eight |= b >= 0x80;
      lineLength = b == '\n' ? 0 : b == '\r' ? lineLength : lineLength + 1;
      if (lineLength > 998) {
        return "binary"; // RFC 5322 §2.1.1: at most 998 octets before CRLF
      }
    }
    return eight ? "8bit" : "7bit";
  }

  private static void body(ByteArrayOutputStream o, MimePart p, boolean extended, byte[] decoded) {
    ascii(o, "(");
    if (p.isMultipart()) {
      for (MimePart c : p.children()) {
        body(o, c, extended);
      }
      ascii(o, " ");
      nstringLatin1(o, p.subtype());
      if (extended) {
        ascii(o, " ");
        params(o, p.params());
        ascii(o, " ");
        disposition(o, p);
        ascii(o, " ");
        language(o, p);
        ascii(o, " ");
        nstringLatin1(o, trimmed(p.header("Content-Location")));
      }
      ascii(o, ")");
      return;
    }
    String type = p.type().equals("multipart") ? "text" : p.type();
    String subtype = p.type().equals("multipart") ? "plain" : p.subtype();
    nstringLatin1(o, type);
    ascii(o, " ");
    nstringLatin1(o, subtype);
    ascii(o, " ");
    params(o, p.type().equals("multipart") ? Map.of("charset", "us-ascii") : p.params());
    ascii(o, " ");
    nstringLatin1(o, trimmed(p.header("Content-ID")));
    ascii(o, " ");
    nstringLatin1(o, trimmed(p.header("Content-Description")));
    ascii(o, " ");
    nstringLatin1(o, decoded == null ? p.encoding() : domain(decoded));
    ascii(o, " " + (decoded == null ? p.bodySize() : decoded.length));
    if (decoded != null) {
      if (type.equals("text")) {
        int lines = 0;
        for (byte b : decoded) {
          lines += b == '\n' ? 1 : 0;
        }
        ascii(o, " " + lines);
      }
    } else if (p.message() != null) {
      ascii(o, " ");
      envelope(o, p.message());
      ascii(o, " ");
      body(o, p.message(), extended);
      ascii(o, " " + p.bodyLines());
    } else if (type.equals("text")) {
      ascii(o, " " + p.bodyLines());
    }
    if (extended) {
      ascii(o, " ");
      nstringLatin1(o, trimmed(p.header("Content-MD5")));
      ascii(o, " ");
      disposition(o, p);
      ascii(o, " ");
      language(o, p);
      ascii(o, " ");
      nstringLatin1(o, trimmed(p.header("Content-Location")));
    }
    ascii(o, ")");
  }

  private static String trimmed(String s) {
    return s == null ? null : s.strip();
  }

  private static void params(ByteArrayOutputStream o, Map<String, String> params) {
    if (params.isEmpty()) {
      ascii(o, "NIL");
      return;
    }
    ascii(o, "(");
    boolean first = true;
    for (var e : params.entrySet()) {
      if (!first) {
        ascii(o, " ");
      }
      first = false;
      nstringLatin1(o, e.getKey());
      ascii(o, " ");
      nstringLatin1(o, e.getValue());
    }
    ascii(o, ")");
  }

  private static void disposition(ByteArrayOutputStream o, MimePart p) {
    String d = p.header("Content-Disposition");
    if (d == null) {
      ascii(o, "NIL");
      return;
    }
    Map<String, String> params = new LinkedHashMap<>();
    String value = HeaderText.parseDisposition(d, params);
    if (value.isEmpty()) {
      ascii(o, "NIL");
      return;
    }
    ascii(o, "(");
    nstringLatin1(o, value);
    ascii(o, " ");
    params(o, params);
    ascii(o, ")");
  }

  private static void language(ByteArrayOutputStream o, MimePart p) {
    String l = p.header("Content-Language");
    if (l == null || l.isBlank()) {
      ascii(o, "NIL");
      return;
    }
    String[] tags = HeaderText.stripComments(l).split("[,\\s]+");
    ascii(o, "(");
    boolean first = true;
    for (String t : tags) {
      if (t.isEmpty()) {
        continue;
      }
      if (!first) {
        ascii(o, " ");
      }
      first = false;
      nstringLatin1(o, t.toLowerCase(Locale.ROOT));
    }
    ascii(o, ")");
  }
}
