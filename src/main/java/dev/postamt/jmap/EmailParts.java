package dev.postamt.jmap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The body of an Email being created (RFC 8621 §4.6), from EmailBodyPart objects: a {@code
 * bodyStructure} tree as given, or the structure §4.6 makes from {@code textBody}, {@code htmlBody}
 * and {@code attachments}. Content-Type parameters that are not ASCII are written as RFC 2231
 * {@code name*=utf-8''…}.
 */
final class EmailParts {
  private EmailParts() {}

  /** One EmailBodyPart (and its subParts) as a MIME node. */
  static MessageWriter.Node node(CallContext c, Object v, Map<String, Object> values, String property) throws SetError {
    if (!(v instanceof Map<?, ?> part)) {
      throw SetError.invalid(property, property + " must be an EmailBodyPart object");
    }
    String type = part.get("type") instanceof String t ? t.strip().toLowerCase(Locale.ROOT) : null;
    List<MessageWriter.Field> fields = fields(part, property);
    if (part.get("subParts") != null || (type != null && type.startsWith("multipart/"))) {
      if (!(part.get("subParts") instanceof List<?> subs) || subs.isEmpty()) {
        throw SetError.invalid(property, "a multipart part needs subParts");
      }
      List<MessageWriter.Node> children = new ArrayList<>();
      for (Object s : subs) {
        children.add(node(c, s, values, property));
      }
      String subtype = type == null ? "mixed" : type.substring(type.indexOf('/') + 1);
      if (!subtype.matches("[a-z0-9.+-]+")) {
        throw SetError.invalid(property, "not a multipart type: " + type);
      }
      return new MessageWriter.Multipart(fields, subtype, children);
    }
    byte[] content;
    String charset = part.get("charset") instanceof String cs ? cs : null;
    if (part.get("partId") instanceof String pid) {
      if (part.get("blobId") != null) {
        throw SetError.invalid(property, "a part has a partId or a blobId, not both");
      }
      if (!(values.get(pid) instanceof Map<?, ?> bv)) {
        throw SetError.invalid("bodyValues", "no body value for partId " + pid);
      }
      content = ((String) bv.get("value")).getBytes(StandardCharsets.UTF_8);
      type = type == null ? "text/plain" : type;
      if (!type.startsWith("text/")) {
        throw SetError.invalid(property, "a part given by partId must be text/*");
      }
      charset = "utf-8"; // the value is a JSON string: we write it as UTF-8, whatever charset said
    } else if (part.get("blobId") instanceof String bid) {
      content = EmailCreate.blob(c, bid, property);
      if (type == null) {
        String t = EmailCreate.blobType(c, bid);
        type = t == null ? "application/octet-stream" : t.toLowerCase(Locale.ROOT).split(";")[0].strip();
      }
    } else {
      throw SetError.invalid(property, "a leaf part needs a partId or a blobId");
    }
    if (!type.matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+")) {
      throw SetError.invalid(property, "not a media type: " + type);
    }
    StringBuilder ct = new StringBuilder(type);
    if (type.startsWith("text/")) {
      ct.append("; charset=").append(charset == null ? "us-ascii" : parameterValue(charset));
    }
    if (part.get("name") instanceof String name && !name.isBlank()) {
      ct.append("; ").append(parameter("name", name));
    }
    return new MessageWriter.Leaf(fields, ct.toString(), content);
  }

  /** The fields of a part other than Content-Type: disposition, Content-ID, language, location, headers. */
  private static List<MessageWriter.Field> fields(Map<?, ?> part, String property) throws SetError {
    List<MessageWriter.Field> out = new ArrayList<>();
    Object disposition = part.get("disposition");
    Object name = part.get("name");
    if (disposition instanceof String d && d.matches("[A-Za-z0-9-]+")) {
      String value = d.toLowerCase(Locale.ROOT);
      if (name instanceof String n && !n.isBlank()) {
        value += "; " + parameter("filename", n);
      }
      out.add(new MessageWriter.Field("Content-Disposition", value));
    } else if (disposition != null) {
      throw SetError.invalid(property, "disposition must be a token such as attachment or inline");
    }
    if (part.get("cid") instanceof String cid) {
      if (!cid.matches("[^\\s<>]+")) {
        throw SetError.invalid(property, "cid must be a content id without angle brackets");
      }
      out.add(new MessageWriter.Field("Content-ID", "<" + cid + ">"));
    }
    if (part.get("language") instanceof List<?> langs && !langs.isEmpty()) {
      List<String> l = new ArrayList<>();
      for (Object o : langs) {
        if (!(o instanceof String s) || !s.matches("[A-Za-z0-9-]+")) {
          throw SetError.invalid(property, "language must be a list of language tags");
        }
        l.add(s);
      }
      out.add(new MessageWriter.Field("Content-Language", String.join(", ", l)));
    }
    if (part.get("location") instanceof String loc) {
      out.add(new MessageWriter.Field("Content-Location", loc));
    }
    if (part.get("headers") != null) {
      for (Map.Entry<String, String> h : EmailCreate.rawHeaders(property, part.get("headers"))) {
        if (!h.getKey().toLowerCase(Locale.ROOT).startsWith("content-")) {
          out.add(new MessageWriter.Field(h.getKey(), h.getValue()));
        }
      }
    }
    return out;
  }

  /**
   * RFC 8621 §4.6: at most one text and one HTML part, as {@code multipart/alternative}; inline parts
   * (disposition inline with a cid) with the HTML in {@code multipart/related}; the other attachments
   * around it all in {@code multipart/mixed}. With no body at all, an empty text part.
   */
  static MessageWriter.Node fromLists(CallContext c, Object textBody, Object htmlBody, Object attachments,
      Map<String, Object> values) throws SetError {
    MessageWriter.Node text = single(c, textBody, values, "textBody", "text/plain");
    MessageWriter.Node html = single(c, htmlBody, values, "htmlBody", "text/html");
    List<MessageWriter.Node> inline = new ArrayList<>();
    List<MessageWriter.Node> other = new ArrayList<>();
    if (attachments != null) {
      if (!(attachments instanceof List<?> l)) {
        throw SetError.invalid("attachments", "attachments must be a list of EmailBodyPart objects");
      }
      for (Object a : l) {
        MessageWriter.Node n = node(c, a, values, "attachments");
        boolean isInline = a instanceof Map<?, ?> m && "inline".equalsIgnoreCase(String.valueOf(m.get("disposition")))
            && m.get("cid") != null;
        (isInline && html != null ? inline : other).add(n);
      }
    }
    if (html != null && !inline.isEmpty()) {
      List<MessageWriter.Node> related = new ArrayList<>();
      related.add(html);
      related.addAll(inline);
      html = new MessageWriter.Multipart(List.of(), "related", related);
    }
    MessageWriter.Node body;
    if (text != null && html != null) {
      body = new MessageWriter.Multipart(List.of(), "alternative", List.of(text, html));
    } else if (text != null || html != null) {
      body = text != null ? text : html;
    } else {
      body = new MessageWriter.Leaf(List.of(), "text/plain; charset=us-ascii", new byte[0]);
    }
    if (other.isEmpty()) {
      return body;
    }
    List<MessageWriter.Node> mixed = new ArrayList<>();
    if (text != null || html != null) {
      mixed.add(body);
    }
    mixed.addAll(other);
    return new MessageWriter.Multipart(List.of(), "mixed", mixed);
  }

  private static MessageWriter.Node single(CallContext c, Object v, Map<String, Object> values, String property,
      String type) throws SetError {
    if (v == null) {
      return null;
    }
    if (!(v instanceof List<?> l) || l.size() > 1) {
      throw SetError.invalid(property, property + " must be a list of at most one EmailBodyPart");
    }
    if (l.isEmpty()) {
      return null;
    }
    if (l.getFirst() instanceof Map<?, ?> m && m.get("type") != null
        && !type.equalsIgnoreCase(String.valueOf(m.get("type")))) {
      throw SetError.invalid(property, "the part of " + property + " must be " + type);
    }
    if (l.getFirst() instanceof Map<?, ?> m && m.get("type") == null) {
      Map<Object, Object> typed = new java.util.LinkedHashMap<>(m);
      typed.put("type", type);
      return node(c, typed, values, property);
    }
    return node(c, l.getFirst(), values, property);
  }

  /** {@code name="value"}, or RFC 2231 {@code name*=utf-8''percent-encoded} when it is not ASCII. */
  static String parameter(String name, String value) {
    if (MessageWriter.ascii(value)) {
      return name + "=" + parameterValue(value);
    }
    StringBuilder b = new StringBuilder(name).append("*=utf-8''");
    for (byte x : value.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_') {
        b.append((char) c);
      } else {
        b.append('%').append(String.format("%02X", c));
      }
    }
    return b.toString();
  }

  private static String parameterValue(String v) {
    return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
