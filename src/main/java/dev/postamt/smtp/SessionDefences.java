package dev.postamt.smtp;

import dev.postamt.config.Policy;
import dev.postamt.net.Connection;
import dev.postamt.net.Printable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MX port's defences within one session, like postscreen and smtpd's error limits: the pregreet
 * test before the greeting ({@code policy.pregreet}), and the tarpit for clients that send many invalid
 * recipients ({@code policy.tarpit_*}). Clients in {@code relay.networks} and authenticated clients are
 * exempt, and so are the submission and LMTP ports. Each refusal is reported to the ban list ({@code
 * ban.policy_rejections}).
 */
final class SessionDefences {
  private static final Logger log = LoggerFactory.getLogger(SessionDefences.class);

  private final SmtpServer server;
  private final Connection conn;
  private final String clientIp;
  private final boolean exempt;
  private final Policy.Tarpit tarpit;
  private int invalidRecipients;

  SessionDefences(SmtpServer server, Connection conn, String clientIp, boolean trustedNetwork) {
    this.server = server;
    this.conn = conn;
    this.clientIp = clientIp;
    this.exempt = server.mode != SmtpServer.Mode.MX || trustedNetwork;
    this.tarpit = server.config.policy().tarpit();
  }

  /**
   * postscreen's pregreet test: the first line of a multi-line greeting ({@code 220-}, RFC 5321 §4.2.1),
   * then {@code policy.pregreet} of silence expected from the client, which must wait for the last line
   * (RFC 5321 §3.1, §4.3.1: the client waits for the greeting). Returns whether the client talked too
   * early (it has then been told 554 and should be disconnected); the caller sends the greeting's last
   * line otherwise.
   */
  boolean pregreetTalked(String firstLine) throws IOException {
    Duration wait = server.config.policy().pregreet();
    if (exempt || wait.isZero()) {
      return false;
    }
    conn.out().write(("220-" + firstLine + "\r\n").getBytes(StandardCharsets.UTF_8));
    conn.out().flush();
    byte[] early = new byte[64];
    int n;
    conn.setReadTimeout(wait);
    try {
      n = conn.in().read(early, 0, early.length);
    } catch (SocketTimeoutException quiet) {
      return false;
    } finally {
      conn.setReadTimeout(server.config.limits().idleTimeout());
    }
    if (n < 0) {
      return true; // gone before the greeting ended: nothing more to say
    }
    log.info("smtp {}: pregreet: sent \"{}\" before the greeting; refused", clientIp,
        Printable.of(new String(early, 0, n, StandardCharsets.ISO_8859_1)));
    conn.out().write(new SmtpReply(554, "5.5.1", server.config.hostname() + " Error: you talked before the greeting; goodbye")
        .encode(true));
    conn.out().flush();
    server.throttle.policyRejected(conn.remote().getAddress());
    return true;
  }

  /** A recipient refused for good (5xx at RCPT): counted for the tarpit and the ban list. */
  void invalidRecipient(boolean trusted) {
    if (exempt || trusted) {
      return;
    }
    invalidRecipients++;
    server.throttle.policyRejected(conn.remote().getAddress());
  }

  /**
   * Before an error reply: waits the tarpit's delay once the client has sent {@code tarpit_after}
   * invalid recipients (Postfix's {@code smtpd_soft_error_limit} and {@code smtpd_error_sleep_time}),
   * on this session's virtual thread.
   */
  void delayErrorReply() throws IOException {
    Duration d = tarpit.delayFor(invalidRecipients);
    if (d.isZero()) {
      return;
    }
    conn.out().flush(); // what was answered before goes out now; only this reply waits
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("tarpit interrupted");
    }
  }

  /** Whether the session is to end now (Postfix's {@code smtpd_hard_error_limit}), logged once. */
  boolean closeNow() {
    if (tarpit.closeAfter() == 0 || invalidRecipients < tarpit.closeAfter()) {
      return false;
    }
    log.info("smtp {}: tarpit: {} invalid recipients; disconnecting", clientIp, invalidRecipients);
    return true;
  }
}
