package dev.postamt.sieve;

import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MimePart;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A {@link SieveMessage} over a parsed {@link MimePart}: headers are read once (8-bit text taken as
 * UTF-8, RFC 6532), body parts are decoded only when a body test first asks, and then kept for the
 * remaining tests of the run and later runs on the same message.
 */
public final class MimeSieveMessage implements SieveMessage {
  private final MimePart root;
  private final List<Header> headers;
  private volatile List<BodyPart> parts;

  public MimeSieveMessage(MimePart root) {
    this.root = root;
    List<Header> h = new ArrayList<>(root.fields().size());
    for (MimePart.Field f : root.fields()) {
      h.add(new Header(f.name(), HeaderText.toUnicode(f.value())));
    }
    this.headers = List.copyOf(h);
  }

  public static MimeSieveMessage parse(byte[] message) {
    return new MimeSieveMessage(MimePart.parse(message));
  }

  public MimePart root() {
    return root;
  }

  @Override
  public List<Header> headers() {
    return headers;
  }

  @Override
  public long size() {
    return root.data().length;
  }

  @Override
  public String rawBody() {
    return HeaderText.toUnicode(root.bodyText());
  }

  @Override
  public List<BodyPart> bodyParts() {
    List<BodyPart> p = parts;
    if (p == null) {
      List<BodyPart> out = new ArrayList<>();
      collect(root, out);
      parts = p = List.copyOf(out);
    }
    return p;
  }

  /**
   * RFC 5173 §5.2: a multipart part contributes its prologue and its epilogue (two strings, boundaries
   * excluded), a message/rfc822 part its nested header; leaves their decoded text. A Content-Type that
   * is not type/subtype counts as application/octet-stream, an unknown transfer encoding as no text.
   */
  private static void collect(MimePart part, List<BodyPart> out) {
    String type = part.type() + "/" + part.subtype();
    String declared = part.header("Content-Type");
    if (declared != null && dev.postamt.mime.HeaderText.parseContentType(declared, new java.util.HashMap<>()) == null) {
      // Pigeonhole does not read a malformed type ("text/plain/stupid") as the text/plain default.
      type = "application/octet-stream";
    }
    if (part.isMultipart()) {
      String body = new String(part.data(), part.bodyStart(), part.end() - part.bodyStart(), StandardCharsets.ISO_8859_1);
      String boundary = "--" + part.params().getOrDefault("boundary", "");
      int first = body.startsWith(boundary) ? 0 : body.indexOf("\n" + boundary);
      String prologue = first < 0 ? "" : body.substring(0, first);
      int close = body.lastIndexOf(boundary + "--");
      String epilogue = "";
      if (close >= 0) {
        int eol = body.indexOf('\n', close);
        epilogue = eol < 0 ? "" : body.substring(eol + 1);
      }
      out.add(new BodyPart(type, prologue.strip(), true));
      for (MimePart c : part.children()) {
        collect(c, out);
      }
      out.add(new BodyPart(type, epilogue.strip(), true));
      return;
    }
    if (part.message() != null) {
      MimePart m = part.message();
      String header = new String(m.data(), m.start(), Math.max(0, m.bodyStart() - m.start()), StandardCharsets.ISO_8859_1);
      header = header.endsWith("\r\n\r\n") ? header.substring(0, header.length() - 2)
          : header.endsWith("\n\n") ? header.substring(0, header.length() - 1) : header;
      out.add(new BodyPart(type, header, true));
      collect(m, out);
      return;
    }
    String cte = part.encoding();
    boolean known = cte.equals("7bit") || cte.equals("8bit") || cte.equals("binary") || cte.equals("base64")
        || cte.equals("quoted-printable");
    out.add(new BodyPart(type, known ? text(part) : "", false));
  }

  /** The body of a leaf part as text: transfer encoding undone, charset applied (default US-ASCII/UTF-8). */
  public static String text(MimePart part) {
    byte[] d = part.data();
    byte[] bytes = switch (part.encoding()) {
      case "base64" -> base64(d, part.bodyStart(), part.end());
      case "quoted-printable" -> quotedPrintable(d, part.bodyStart(), part.end());
      default -> java.util.Arrays.copyOfRange(d, part.bodyStart(), part.end());
    };
    String cs = part.params().get("charset");
    Charset charset = StandardCharsets.UTF_8;
    if (cs != null) {
      try {
        charset = Charset.forName(cs.strip());
        if (charset.equals(StandardCharsets.US_ASCII)) {
          charset = StandardCharsets.UTF_8;
        }
      } catch (RuntimeException e) {
        charset = StandardCharsets.UTF_8;
      }
    }
    return new String(bytes, charset);
  }

  private static byte[] base64(byte[] d, int from, int to) {
    StringBuilder b = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      char c = (char) (d[i] & 0xff);
      if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/') {
        b.append(c);
      }
    }
    if (b.length() % 4 == 1) {
      b.setLength(b.length() - 1);
    }
    try {
      return Base64.getDecoder().decode(padded(b));
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }

  private static String padded(StringBuilder b) {
    while (b.length() % 4 != 0) {
      b.append('=');
    }
    return b.toString();
  }

  /** RFC 2045 §6.7; soft line breaks removed, bad escapes kept as they are. */
  private static byte[] quotedPrintable(byte[] d, int from, int to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      int c = d[i] & 0xff;
      if (c != '=') {
        out.write(c);
        continue;
      }
      if (i + 1 < to && d[i + 1] == '\n') {
        i++;
      } else if (i + 2 < to && d[i + 1] == '\r' && d[i + 2] == '\n') {
        i += 2;
      } else if (i + 2 < to && Character.digit(d[i + 1], 16) >= 0 && Character.digit(d[i + 2], 16) >= 0) {
        out.write(Character.digit(d[i + 1], 16) * 16 + Character.digit(d[i + 2], 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  @Override
  public String toString() {
    return "MimeSieveMessage(" + root.type().toLowerCase(Locale.ROOT) + "/" + root.subtype() + ", " + size() + " bytes)";
  }
}
