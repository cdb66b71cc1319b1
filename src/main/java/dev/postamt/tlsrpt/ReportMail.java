package dev.postamt.tlsrpt;

import dev.postamt.mime.MailDate;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * A report as a message (RFC 8460 §5.3): {@code multipart/report; report-type="tlsrpt"} with a short
 * human-readable part and the gzipped JSON as an {@code application/tlsrpt+gzip} attachment named as
 * §5.3 says, the {@code TLS-Report-Domain} and {@code TLS-Report-Submitter} fields, and the subject
 * {@code Report Domain: … Submitter: … Report-ID: <…>}. Plain 7-bit text, CRLF line ends.
 */
final class ReportMail {
  private ReportMail() {}

  static byte[] compose(Report r, String from, List<String> to, ZonedDateTime now) {
    String boundary = "tlsrpt-" + UUID.randomUUID();
    String crlf = "\r\n";
    StringBuilder b = new StringBuilder();
    b.append("From: <").append(from).append('>').append(crlf);
    b.append("To: ").append(String.join(", ", to.stream().map(a -> "<" + a + ">").toList())).append(crlf);
    b.append("Date: ").append(MailDate.format(now)).append(crlf);
    b.append("Message-ID: <").append(UUID.randomUUID()).append(".tlsrpt@").append(r.submitter()).append('>').append(crlf);
    b.append("Subject: Report Domain: ").append(r.domain()).append(crlf)
        .append(" Submitter: ").append(r.submitter()).append(crlf)
        .append(" Report-ID: <").append(r.id()).append('>').append(crlf);
    b.append("TLS-Report-Domain: ").append(r.domain()).append(crlf);
    b.append("TLS-Report-Submitter: ").append(r.submitter()).append(crlf);
    b.append("Auto-Submitted: auto-generated").append(crlf);
    b.append("MIME-Version: 1.0").append(crlf);
    b.append("Content-Type: multipart/report; report-type=\"tlsrpt\";").append(crlf)
        .append(" boundary=\"").append(boundary).append('"').append(crlf);
    b.append(crlf);
    b.append("This is a multipart message in MIME format.").append(crlf).append(crlf);
    b.append("--").append(boundary).append(crlf);
    b.append("Content-Type: text/plain; charset=\"us-ascii\"").append(crlf);
    b.append("Content-Transfer-Encoding: 7bit").append(crlf).append(crlf);
    b.append("This is an aggregate TLS report (RFC 8460) from ").append(r.submitter()).append(" about mail to ")
        .append(r.domain()).append(" on ").append(r.day()).append(" (UTC).").append(crlf).append(crlf);
    b.append("--").append(boundary).append(crlf);
    b.append("Content-Type: application/tlsrpt+gzip").append(crlf);
    b.append("Content-Transfer-Encoding: base64").append(crlf);
    b.append("Content-Disposition: attachment;").append(crlf)
        .append(" filename=\"").append(r.fileName()).append('"').append(crlf).append(crlf);
    b.append(Base64.getMimeEncoder(76, crlf.getBytes(StandardCharsets.US_ASCII)).encodeToString(r.gzip())).append(crlf);
    b.append("--").append(boundary).append("--").append(crlf);
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
