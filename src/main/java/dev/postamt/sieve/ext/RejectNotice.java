package dev.postamt.sieve.ext;

import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MailDate;
import dev.postamt.sieve.AddressParts;
import dev.postamt.sieve.OutgoingMessage;
import dev.postamt.sieve.SieveEnvelope;
import dev.postamt.sieve.SieveEnvironment;
import dev.postamt.sieve.SieveMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The rejection notice {@code reject} and {@code ereject} send once the SMTP transaction is over (RFC
 * 5429 §2.2.2): an MDN (RFC 8098, {@code multipart/report; report-type=disposition-notification}) with
 * disposition "deleted", from the null reverse-path to the envelope sender, never to the null sender.
 * As Pigeonhole's, it is from "Postmaster" ({@code postmaster_address}); unlike Pigeonhole's it quotes
 * the original header section ({@code text/rfc822-headers}, RFC 6522) rather than the whole message,
 * so a rejected message is not sent back in full. The explanation is UTF-8, quoted-printable when not
 * ASCII ({@link VacationReply#textBody}).
 */
public final class RejectNotice {
  private RejectNotice() {}

  /**
   * The notice for a message rejected with {@code reason}; empty when the envelope sender is null.
   *
   * @param message the raw message (its header section is quoted)
   */
  public static Optional<OutgoingMessage> compose(String reason, byte[] message, SieveMessage parsed,
      SieveEnvelope envelope, SieveEnvironment env) {
    String sender = AddressParts.envelopePart(envelope.from(), "all");
    if (sender == null || sender.isEmpty()) {
      return Optional.empty();
    }
    String user = Redirects.user(envelope, env);
    String host = env.item("host").orElse("localhost");
    String boundary = "=_reject_" + UUID.randomUUID();
    String subject = VacationReply.first(parsed, "subject");
    String id = VacationReply.first(parsed, "message-id");
    StringBuilder b = new StringBuilder(1024);
    VacationReply.header(b, "X-Sieve", "Postamt Sieve");
    VacationReply.header(b, "Message-ID", VacationReply.messageId(env));
    VacationReply.header(b, "Date", MailDate.format(env.now()));
    VacationReply.header(b, "From", "Postmaster <" + Core.bareAddress(VacationReply.postmaster(env)) + ">");
    VacationReply.header(b, "To", "<" + sender + ">");
    VacationReply.header(b, "Subject", VacationReply.encodeWords(VacationReply.limit("Automatically rejected mail"
        + (subject == null || subject.isEmpty() ? "" : ": " + HeaderText.decode(subject)))));
    if (id != null) {
      VacationReply.header(b, "In-Reply-To", id);
    }
    VacationReply.header(b, "Auto-Submitted", "auto-replied (rejected)");
    VacationReply.header(b, "Precedence", "bulk");
    VacationReply.header(b, "MIME-Version", "1.0");
    VacationReply.header(b, "Content-Type",
        "multipart/report; report-type=disposition-notification;\r\n\tboundary=\"" + boundary + "\"");
    b.append("\r\nThis is a MIME-encapsulated message.\r\n\r\n--").append(boundary).append("\r\n");
    b.append(VacationReply.textBody("Your message to <" + user + "> was automatically rejected:\r\n\r\n"
        + reason + "\r\n", "us-ascii"));
    b.append("\r\n--").append(boundary).append("\r\nContent-Type: message/disposition-notification\r\n\r\n");
    b.append("Reporting-UA: ").append(host).append("; Postamt Sieve\r\n");
    b.append("Final-Recipient: rfc822; ").append(user).append("\r\n");
    if (id != null) {
      b.append("Original-Message-ID: ").append(id).append("\r\n");
    }
    b.append("Disposition: automatic-action/MDN-sent-automatically; deleted\r\n");
    b.append("\r\n--").append(boundary).append("\r\nContent-Type: text/rfc822-headers\r\n\r\n");
    // the header section byte for byte (ISO-8859-1 maps bytes to chars one to one), CRLF line ends
    String quoted = VacationReply.crlf(headerSection(new String(message, StandardCharsets.ISO_8859_1)));
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length() + quoted.length() + 64);
    out.writeBytes(b.toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(quoted.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return Optional.of(new OutgoingMessage("", List.of(sender), out.toByteArray()));
  }

  /** The header fields of a message, without the blank line; the whole text when it has no body. */
  static String headerSection(String text) {
    String t = Redirects.withoutReturnPath(text);
    int crlf = t.indexOf("\r\n\r\n");
    int lf = t.indexOf("\n\n");
    int end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 2 : lf >= 0 ? lf + 1 : t.length();
    return t.substring(0, end);
  }
}
