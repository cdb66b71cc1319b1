package dev.postamt.mda;

import dev.postamt.sieve.SieveAction;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The messages Sieve sends in a user's name, built as the RFCs ask: the vacation reply (RFC 5230 §5,
 * RFC 3834 §3: {@code Auto-Submitted: auto-replied}, In-Reply-To and References, "Auto:" subject),
 * the rejection notice (RFC 5429 §2.2.2: an MDN, RFC 8098, with disposition "deleted") and the
 * mailto notification (RFC 5436: {@code Auto-Submitted: auto-notified}). Text is UTF-8; non-ASCII
 * header text becomes RFC 2047 words and non-ASCII bodies base64, so every message is 7-bit.
 */
final class Replies {
  private Replies() {}

  /** What a reply needs to know of the message it answers. */
  record Original(String messageId, String references, String subject, String date, String headerSection) {}

  static String vacation(SieveAction.Vacation v, String user, String hostname, Original o, ZonedDateTime now) {
    StringBuilder b = new StringBuilder();
    header(b, "From", v.from() != null && !v.from().isEmpty() ? v.from() : "<" + user + ">");
    header(b, "To", "<" + v.recipient() + ">");
    header(b, "Subject", encodeWords(v.subject() == null ? "Auto: " + o.subject() : v.subject()));
    common(b, hostname, now);
    if (v.inReplyTo() != null) {
      header(b, "In-Reply-To", v.inReplyTo());
      String refs = o.references() == null || o.references().isBlank() ? v.inReplyTo() : o.references().strip() + " " + v.inReplyTo();
      header(b, "References", refs);
    }
    header(b, "Auto-Submitted", "auto-replied (vacation)");
    header(b, "Precedence", "bulk");
    header(b, "MIME-Version", "1.0");
    if (v.mime()) {
      // RFC 5230 §5.7: with :mime the reason is a MIME entity (its own header fields, then the body)
      String reason = crlf(v.reason());
      return b + (reason.startsWith("\r\n") ? reason.substring(2) : reason);
    }
    return b + textBody(v.reason());
  }

  /** RFC 5429 §2.2.2 / RFC 8098: the sender hears that the user's script refused the message, and why. */
  static String rejection(String reason, String user, String sender, String hostname, Original o, ZonedDateTime now) {
    String boundary = "=_reject_" + UUID.randomUUID();
    StringBuilder b = new StringBuilder();
    header(b, "From", "Mail Delivery System <MAILER-DAEMON@" + hostname + ">");
    header(b, "To", "<" + sender + ">");
    header(b, "Subject", encodeWords("Automatically rejected mail" + (o.subject().isEmpty() ? "" : ": " + o.subject())));
    common(b, hostname, now);
    if (o.messageId() != null) {
      header(b, "In-Reply-To", o.messageId());
    }
    header(b, "Auto-Submitted", "auto-replied (rejected)");
    header(b, "MIME-Version", "1.0");
    header(b, "Content-Type", "multipart/report; report-type=disposition-notification;\r\n\tboundary=\"" + boundary + "\"");
    b.append("\r\nThis is a MIME-encapsulated message.\r\n\r\n--").append(boundary).append("\r\n");
    b.append(textBody("Your message to <" + user + "> was automatically rejected:\r\n\r\n" + reason + "\r\n"));
    b.append("\r\n--").append(boundary).append("\r\nContent-Type: message/disposition-notification\r\n\r\n");
    b.append("Reporting-UA: ").append(hostname).append("; Postamt Sieve\r\n");
    b.append("Final-Recipient: rfc822; ").append(user).append("\r\n");
    if (o.messageId() != null) {
      b.append("Original-Message-ID: ").append(o.messageId()).append("\r\n");
    }
    b.append("Disposition: automatic-action/MDN-sent-automatically; deleted\r\n");
    b.append("\r\n--").append(boundary).append("\r\nContent-Type: text/rfc822-headers\r\n\r\n");
    b.append(crlf(o.headerSection()));
    b.append("\r\n--").append(boundary).append("--\r\n");
    return b.toString();
  }

  /** The recipients and header fields of a mailto: URI (RFC 6068), percent-decoded. */
  record Mailto(List<String> to, String subject, String body) {}

  static Mailto parseMailto(String uri) {
    String rest = uri.substring("mailto:".length());
    int q = rest.indexOf('?');
    List<String> to = new ArrayList<>();
    for (String a : (q < 0 ? rest : rest.substring(0, q)).split(",")) {
      String d = URLDecoder.decode(a.replace("+", "%2B"), StandardCharsets.UTF_8).strip();
      if (!d.isEmpty()) {
        to.add(d);
      }
    }
    String subject = null;
    String body = null;
    if (q >= 0) {
      for (String h : rest.substring(q + 1).split("&")) {
        int eq = h.indexOf('=');
        if (eq <= 0) {
          continue;
        }
        String name = URLDecoder.decode(h.substring(0, eq), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        String value = URLDecoder.decode(h.substring(eq + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
        switch (name) {
          case "to", "cc" -> {
            for (String a : value.split(",")) {
              if (!a.isBlank()) {
                to.add(a.strip());
              }
            }
          }
          case "subject" -> subject = value;
          case "body" -> body = value;
          default -> {} // RFC 5436 §2.3: other header fields of the URI are not trusted; ignored
        }
      }
    }
    return new Mailto(List.copyOf(to), subject, body);
  }

  /** RFC 5436 §2.7: a short message about the one delivered, from the user (or :from). */
  static String notification(SieveAction.Notify n, Mailto mailto, String user, String hostname, Original o,
      String originalFrom, ZonedDateTime now) {
    StringBuilder b = new StringBuilder();
    header(b, "From", n.from() != null && !n.from().isEmpty() ? n.from() : "<" + user + ">");
    header(b, "To", String.join(", ", mailto.to().stream().map(a -> "<" + a + ">").toList()));
    String subject = mailto.subject() != null ? mailto.subject()
        : n.message() != null ? n.message() : "Notification: " + o.subject();
    header(b, "Subject", encodeWords(subject));
    common(b, hostname, now);
    header(b, "Auto-Submitted", "auto-notified");
    header(b, "Precedence", "bulk");
    switch (n.importance()) {
      case "1" -> header(b, "X-Priority", "1 (Highest)");
      case "3" -> header(b, "X-Priority", "5 (Lowest)");
      default -> {}
    }
    header(b, "MIME-Version", "1.0");
    String text = n.message() != null ? n.message() : "New mail from " + originalFrom + ": " + o.subject();
    if (mailto.body() != null) {
      text = text + "\r\n\r\n" + mailto.body();
    }
    return b + textBody(text + "\r\n");
  }

  private static void common(StringBuilder b, String hostname, ZonedDateTime now) {
    header(b, "Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(now));
    header(b, "Message-ID", "<" + UUID.randomUUID() + "@" + hostname + ">");
  }

  private static void header(StringBuilder b, String name, String value) {
    b.append(name).append(": ").append(value.replaceAll("\r?\n(?![ \t])", "\r\n ")).append("\r\n");
  }

  /** Content fields, blank line and body of a text/plain part. */
  static String textBody(String text) {
    String t = crlf(text);
    if (t.chars().allMatch(c -> c < 0x80)) {
      return "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + t;
    }
    String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(t.getBytes(StandardCharsets.UTF_8));
    return "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n";
  }

  static String crlf(String s) {
    String t = s.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n");
    return t.endsWith("\r\n") ? t : t + "\r\n";
  }

  /** RFC 2047 B-words for non-ASCII header text. */
  static String encodeWords(String s) {
    String flat = s.replaceAll("[\r\n]+", " ");
    if (flat.chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == '\t')) {
      return flat;
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < flat.length()) {
      // up to 45 bytes per word (60 base64 characters), never splitting a character
      int j = i;
      int n = 0;
      while (j < flat.length()) {
        int cp = flat.codePointAt(j);
        int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
        if (n + len > 45) {
          break;
        }
        n += len;
        j += Character.charCount(cp);
      }
      if (!out.isEmpty()) {
        out.append("\r\n ");
      }
      out.append("=?utf-8?b?").append(Base64.getEncoder().encodeToString(flat.substring(i, j).getBytes(StandardCharsets.UTF_8)))
          .append("?=");
      i = j;
    }
    return out.toString();
  }
}
