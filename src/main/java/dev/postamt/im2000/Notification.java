package dev.postamt.im2000;

import dev.postamt.jmap.json.Json;
import dev.postamt.jmap.json.JsonException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the sender's server tells a recipient's server about one message (the JSON body of {@code POST
 * …/notify}, and an entry of the feed). Only what the recipient's mailbox list needs: envelope sender
 * and recipients (those of the receiving domain only), size and SHA-256 of the message, the capability
 * URL to pull it from, and the header fields a message list shows (From, Subject, Date, Message-ID).
 *
 * @param id the sender's id of the message (unique per sending domain); repeated notifications with the
 *     same id are taken once
 * @param sha256 lower-case hex of the message's SHA-256
 * @param url the capability URL: {@code https://…/im2000/m/<token>}, the token 256 random bits
 */
record Notification(
    String id, String sender, List<String> recipients, long size, String sha256, String url, String from,
    String subject, String date, String messageId) {

  /** Bounds: a notification is small; anything larger is refused before parsing. */
  static final int MAX_BYTES = 64 * 1024;

  byte[] json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("v", 1L);
    m.put("id", id);
    m.put("sender", sender);
    m.put("recipients", recipients);
    m.put("size", size);
    m.put("sha256", sha256);
    m.put("url", url);
    m.put("from", from);
    m.put("subject", subject);
    m.put("date", date);
    m.put("messageId", messageId);
    return Json.bytes(m);
  }

  /** The domain part of the envelope sender, lower case. */
  String senderDomain() {
    return sender.substring(sender.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
  }

  /** Parses and checks a notification; the message of the exception is fit for the client. */
  static Notification parse(byte[] body) throws IllegalArgumentException {
    if (body.length > MAX_BYTES) {
      throw new IllegalArgumentException("notification larger than " + MAX_BYTES + " bytes");
    }
    Object o;
    try {
      o = Json.parse(body);
    } catch (JsonException e) {
      throw new IllegalArgumentException("notification is not JSON: " + e.getMessage());
    }
    if (!(o instanceof Map<?, ?> m) || !Long.valueOf(1).equals(m.get("v"))) {
      throw new IllegalArgumentException("notification must be a JSON object with \"v\": 1");
    }
    String sender = text(m, "sender", 320);
    if (sender.indexOf('@') <= 0) {
      throw new IllegalArgumentException("\"sender\" must be an address");
    }
    if (!(m.get("recipients") instanceof List<?> rs) || rs.isEmpty() || rs.size() > 1000) {
      throw new IllegalArgumentException("\"recipients\" must be a list of 1 to 1000 addresses");
    }
    List<String> recipients = new java.util.ArrayList<>();
    for (Object r : rs) {
      if (!(r instanceof String s) || s.indexOf('@') <= 0 || s.length() > 320) {
        throw new IllegalArgumentException("\"recipients\" must be addresses");
      }
      recipients.add(s.toLowerCase(Locale.ROOT));
    }
    if (!(m.get("size") instanceof Long size) || size < 1) {
      throw new IllegalArgumentException("\"size\" must be a positive integer");
    }
    String sha = text(m, "sha256", 64);
    if (!sha.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("\"sha256\" must be 64 lower-case hex digits");
    }
    String url = text(m, "url", 2000);
    if (!url.matches("https://[A-Za-z0-9.:\\[\\]-]+(/[A-Za-z0-9._~/-]*)?/m/[A-Za-z0-9_-]{43}")) {
      throw new IllegalArgumentException("\"url\" must be an https capability URL ending in /m/<token>");
    }
    String id = text(m, "id", 200);
    if (!id.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("\"id\" must be letters, digits, '.', '_' and '-'");
    }
    return new Notification(id, sender.toLowerCase(Locale.ROOT), List.copyOf(recipients), size, sha, url,
        text(m, "from", 1000), text(m, "subject", 2000), text(m, "date", 200), text(m, "messageId", 1000));
  }

  private static String text(Map<?, ?> m, String key, int max) {
    Object v = m.get(key);
    if (v == null) {
      return "";
    }
    if (!(v instanceof String s) || s.length() > max || s.chars().anyMatch(c -> c == '\r' || c == '\n')) {
      throw new IllegalArgumentException("\"" + key + "\" must be a one-line string of at most " + max + " characters");
    }
    return s;
  }
}
