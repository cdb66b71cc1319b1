package dev.postamt.mailauth;

import java.net.InetAddress;

/**
 * Told the DMARC evaluation of every inbound message on port 25 (the material of the aggregate reports
 * we send, RFC 7489 §7.2). Called on the SMTP session's thread before the reply to DATA: an
 * implementation must return at once (hand the work to another thread) and never throw.
 */
@FunctionalInterface
public interface DmarcObserver {
  /**
   * @param ip the connecting client
   * @param mailFrom the envelope sender ("" for the null sender)
   */
  void observed(InetAddress ip, String mailFrom, InboundAuthenticator.Evaluation evaluation);

  DmarcObserver NONE = (ip, mailFrom, e) -> {};
}
