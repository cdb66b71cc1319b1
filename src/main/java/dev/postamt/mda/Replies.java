package dev.postamt.mda;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.UUID;

/**
 * The one message Sieve makes that the language does not compose: the rejection notice of {@code
 * reject}/{@code ereject} (RFC 5429 §2.2.2: an MDN, RFC 8098, with disposition "deleted"), which names
 * our host as its reporting agent. Vacation replies, notifications and redirected copies are composed
 * by the language ({@code sieve.ext.VacationReply}, {@code Mailto}, {@code Redirects}), so that delivery,
 * {@code sieve test} and the Pigeonhole test suite agree. Text is UTF-8; non-ASCII header text becomes
 * RFC 2047 words and a non-ASCII body base64, so the notice is 7-bit.
 */
final class Replies {
  private Replies() {}

  /** What a reply needs to know of the message it answers. */
  record Original(String messageId, String subject, String headerSection) {}

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
