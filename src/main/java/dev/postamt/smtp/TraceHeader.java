package dev.postamt.smtp;

import dev.postamt.mime.MailDate;
import dev.postamt.net.Connection;
import dev.postamt.queue.Envelope;
import java.time.Instant;
import java.time.ZoneId;

/** The {@code Received:} trace field (RFC 5321 §4.4) and the protocol names it carries (RFC 3848). */
final class TraceHeader {
  /** The date of the last field written: the text changes once a second, the fields come far more often. */
  private record Stamp(long second, ZoneId zone, String text) {}

  private static volatile Stamp last = new Stamp(Long.MIN_VALUE, ZoneId.of("UTC"), "");

  private TraceHeader() {}

  /** {@code now} as the RFC 5322 date of the field, in the server's time zone. */
  static String date(Instant now) {
    ZoneId zone = ZoneId.systemDefault();
    Stamp s = last;
    if (s.second() != now.getEpochSecond() || !s.zone().equals(zone)) {
      s = new Stamp(now.getEpochSecond(), zone, MailDate.format(now.atZone(zone)));
      last = s;
    }
    return s.text();
  }

  /** RFC 3848 / RFC 6531 "with" protocol name. */
  static String protocol(boolean lmtp, boolean esmtp, boolean smtputf8, boolean tls, boolean authenticated) {
    if (lmtp) {
      return "LMTP" + (tls ? "S" : "");
    }
    String base = smtputf8 ? "UTF8SMTP" : (esmtp ? "ESMTP" : "SMTP");
    if (base.equals("SMTP")) {
      return "SMTP";
    }
    return base + (tls ? "S" : "") + (authenticated ? "A" : "");
  }

  /** The field, folded, CRLF-terminated. */
  static String received(String helo, String clientIp, String hostname, Connection conn, Envelope env) {
    StringBuilder b = new StringBuilder(200);
    b.append("Received: from ").append(sanitize(helo)).append(" ([").append(clientIp).append("])\r\n");
    b.append("\tby ").append(hostname).append(" (Postamt) with ").append(env.protocol())
        .append(" id ").append(env.id()).append("\r\n");
    if (conn != null) {
      conn.tlsProtocol().ifPresent(
        v -> b.append("\t(using ").append(v).append(" with cipher ").append(conn.tlsCipher().orElse("?")).append(")\r\n"));
    }
    if (env.recipients().size() == 1) {
      b.append("\tfor <").append(sanitize(env.recipients().getFirst().address())).append(">");
    } else {
      b.setLength(b.length() - 2);
    }
    b.append("; ").append(date(Instant.now())).append("\r\n");
    return b.toString();
  }

  private static String sanitize(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      b.append(c < 32 || c == 127 || c == '(' || c == ')' ? '_' : c);
    }
    return b.toString();
  }
}
