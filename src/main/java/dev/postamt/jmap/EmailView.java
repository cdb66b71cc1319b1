package dev.postamt.jmap;

import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MimePart;
import dev.postamt.mime.TransferDecoding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One message as RFC 8621 §4.1 sees it: its header fields in the parsed forms, its MIME tree as
 * EmailBodyParts, and the textBody / htmlBody / attachments lists chosen by the algorithm of §4.1.4.
 * Part ids are the IMAP section numbers ({@code 1}, {@code 1.2}; RFC 3501 §6.4.5), so they are stable
 * and mean the same in both protocols. Multipart parts have no part id and no blob.
 */
final class EmailView {
  static final List<String> BODY_PROPERTIES =
      List.of("partId", "blobId", "size", "name", "type", "charset", "disposition", "cid", "language", "location");
  static final int PREVIEW_CHARS = 256;

  /** One EmailBodyPart: a leaf with its section number, or a multipart with sub-parts. */
  record Part(String partId, MimePart mime, List<Part> subParts) {
    boolean multipart() {
      return subParts != null;
    }

    String type() {
      return mime.type() + "/" + mime.subtype();
    }
  }

  final MimePart root;
  final Part structure;
  final List<Part> textBody = new ArrayList<>();
  final List<Part> htmlBody = new ArrayList<>();
  final List<Part> attachments = new ArrayList<>();
  private final Ids.MessageRef ref;

  EmailView(byte[] message, Ids.MessageRef ref) {
    this.root = MimePart.parse(message);
    this.ref = ref;
    this.structure = root.isMultipart() ? tree(root, "") : new Part("1", root, null);
    if (structure.multipart()) {
      parseStructure(structure.subParts(), structure.mime().subtype(), structure.mime().subtype().equals("alternative"),
          textBody, htmlBody, attachments);
    } else {
      parseStructure(List.of(structure), "mixed", false, textBody, htmlBody, attachments);
    }
  }

  private static Part tree(MimePart p, String prefix) {
    List<Part> subs = new ArrayList<>();
    int n = 1;
    for (MimePart c : p.children()) {
      String id = prefix.isEmpty() ? String.valueOf(n) : prefix + "." + n;
      subs.add(c.isMultipart() ? tree(c, id) : new Part(id, c, null));
      n++;
    }
    return new Part(null, p, subs);
  }

  /** The leaf with part id {@code partId}, or null. */
  Part part(String partId) {
    return find(structure, partId);
  }

  private static Part find(Part p, String id) {
    if (!p.multipart()) {
      return id.equals(p.partId()) ? p : null;
    }
    for (Part s : p.subParts()) {
      Part f = find(s, id);
      if (f != null) {
        return f;
      }
    }
    return null;
  }

  /**
   * RFC 8621 §4.1.4 parseStructure: which parts a client shows as the text and HTML body and which
   * as attachments. A list set to null in the RFC's pseudo-code is {@code null} here too.
   */
  private static void parseStructure(List<Part> parts, String multipartType, boolean inAlternative,
      List<Part> text, List<Part> html, List<Part> attachments) {
    int textLength = text == null ? -1 : text.size();
    int htmlLength = html == null ? -1 : html.size();
    for (int i = 0; i < parts.size(); i++) {
      Part part = parts.get(i);
      String type = part.type();
      boolean isInline = !"attachment".equals(disposition(part.mime()))
          && (type.equals("text/plain") || type.equals("text/html") || inlineMedia(type))
          && (i == 0 || (!multipartType.equals("related") && (inlineMedia(type) || name(part.mime()) == null)));
      if (part.multipart()) {
        String sub = part.mime().subtype();
        parseStructure(part.subParts(), sub, inAlternative || sub.equals("alternative"), text, html, attachments);
      } else if (isInline) {
        if (multipartType.equals("alternative")) {
          switch (type) {
            case "text/plain" -> add(text, part);
            case "text/html" -> add(html, part);
            default -> attachments.add(part);
          }
          continue;
        }
        List<Part> t = text;
        List<Part> h = html;
        if (inAlternative) {
          if (type.equals("text/plain")) {
            h = null;
          }
          if (type.equals("text/html")) {
            t = null;
          }
        }
        add(t, part);
        add(h, part);
        if ((t == null || h == null) && inlineMedia(type)) {
          attachments.add(part);
        }
      } else {
        attachments.add(part);
      }
    }
    if (multipartType.equals("alternative") && text != null && html != null) {
      if (textLength == text.size() && htmlLength != html.size()) {
        text.addAll(html.subList(htmlLength, html.size())); // only an HTML part was found
      }
      if (htmlLength == html.size() && textLength != text.size()) {
        html.addAll(text.subList(textLength, text.size())); // only a plain text part was found
      }
    }
  }

  private static void add(List<Part> l, Part p) {
    if (l != null) {
      l.add(p);
    }
  }

  private static boolean inlineMedia(String type) {
    return type.startsWith("image/") || type.startsWith("audio/") || type.startsWith("video/");
  }

  static String disposition(MimePart p) {
    String d = p.header("Content-Disposition");
    return d == null ? null : HeaderText.parseDisposition(d, new LinkedHashMap<>());
  }

  /** The file name: Content-Disposition filename, else Content-Type name (RFC 2231/2047 decoded). */
  static String name(MimePart p) {
    String d = p.header("Content-Disposition");
    String n = null;
    if (d != null) {
      Map<String, String> params = new LinkedHashMap<>();
      HeaderText.parseDisposition(d, params);
      n = params.get("filename");
    }
    if (n == null) {
      n = p.params().get("name");
    }
    return n == null ? null : HeaderText.decode(n);
  }

  /** An EmailBodyPart object with the requested properties. */
  Map<String, Object> partObject(Part p, List<String> props, boolean withSubParts) {
    Map<String, Object> o = new LinkedHashMap<>();
    for (String prop : props) {
      HeaderForms.HeaderProperty hp = HeaderForms.parseProperty(prop);
      if (hp != null) {
        o.put(prop, HeaderForms.value(p.mime(), hp));
        continue;
      }
      switch (prop) {
        case "partId" -> o.put("partId", p.partId());
        case "blobId" -> o.put("blobId", p.multipart() ? null : Ids.blob(ref, p.partId()));
        case "size" -> o.put("size", p.multipart() ? 0L : decodedSize(p.mime()));
        case "headers" -> o.put("headers", headers(p.mime()));
        case "name" -> o.put("name", name(p.mime()));
        case "type" -> o.put("type", p.type());
        case "charset" -> o.put("charset", charsetName(p.mime()));
        case "disposition" -> o.put("disposition", disposition(p.mime()));
        case "cid" -> {
          List<Object> ids = p.mime().header("Content-ID") == null ? null
              : HeaderForms.messageIds(p.mime().header("Content-ID"));
          o.put("cid", ids == null ? null : ids.getFirst());
        }
        case "language" -> {
          String l = p.mime().header("Content-Language");
          o.put("language", l == null ? null : List.of(l.strip().split("\\s*,\\s*")));
        }
        case "location" -> {
          String l = p.mime().header("Content-Location");
          o.put("location", l == null ? null : l.strip());
        }
        case "subParts" -> { } // below
        default -> { }
      }
    }
    if (withSubParts && p.multipart()) {
      List<Object> subs = new ArrayList<>();
      for (Part s : p.subParts()) {
        subs.add(partObject(s, props, true));
      }
      o.put("subParts", subs);
    }
    return o;
  }

  static List<Object> headers(MimePart p) {
    List<Object> out = new ArrayList<>();
    for (MimePart.Field f : p.fields()) {
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("name", f.name());
      h.put("value", HeaderText.toUnicode(HeaderForms.raw(p, f)));
      out.add(h);
    }
    return out;
  }

  static String charsetName(MimePart p) {
    String cs = p.params().get("charset");
    if (cs != null) {
      return cs.toLowerCase(Locale.ROOT);
    }
    return p.type().equals("text") ? "us-ascii" : null;
  }

  static long decodedSize(MimePart p) {
    if (!TransferDecoding.transforms(p.encoding())) {
      return p.bodySize();
    }
    try (InputStream in = TransferDecoding.decoded(p)) {
      return in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      return p.bodySize();
    }
  }

  static byte[] decodedBytes(MimePart p) {
    try (InputStream in = TransferDecoding.decoded(p)) {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /** A decoded text value: the text, and whether decoding met a problem (RFC 8621 §4.1.4 EmailBodyValue). */
  record TextValue(String value, boolean problem) {}

  static TextValue text(MimePart p) {
    byte[] bytes = decodedBytes(p);
    String cs = charsetName(p);
    Charset charset;
    try {
      charset = cs == null ? StandardCharsets.US_ASCII : Charset.forName(cs);
    } catch (RuntimeException e) {
      return new TextValue(new String(bytes, StandardCharsets.UTF_8), true);
    }
    if (charset.equals(StandardCharsets.US_ASCII)) {
      charset = StandardCharsets.UTF_8; // 8-bit text labelled us-ascii is common and usually UTF-8
    }
    try {
      return new TextValue(charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString(), false);
    } catch (CharacterCodingException e) {
      return new TextValue(new String(bytes, charset), true);
    }
  }

  /** The first {@code max} UTF-8 bytes of {@code s} (0: all), never splitting a character. */
  static String truncate(String s, long max) {
    if (max <= 0 || s.length() * 3L <= max) {
      return s;
    }
    int bytes = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + n > max) {
        return s.substring(0, i);
      }
      bytes += n;
      i += Character.charCount(cp);
    }
    return s;
  }

  /** Up to 256 characters of the body text, white space collapsed (RFC 8621 §4.1.4 preview). */
  String preview() {
    for (Part p : textBody) {
      String t = p.type();
      if (t.equals("text/plain") || t.equals("text/html")) {
        String v = text(p.mime()).value();
        if (t.equals("text/html")) {
          v = org.jsoup.Jsoup.parse(v).text();
        }
        v = v.replaceAll("\\s+", " ").strip();
        return v.length() <= PREVIEW_CHARS ? v : v.substring(0, v.offsetByCodePoints(0, Math.min(PREVIEW_CHARS,
            v.codePointCount(0, v.length()))));
      }
    }
    return "";
  }
}
