package dev.postamt.filter;

import java.time.Instant;
import java.util.List;

/**
 * Everything a {@link Check} may know about one message.
 *
 * @param message the message, read and parsed once
 * @param clientIp the SMTP client's address ("" for a message checked offline without {@code --ip})
 * @param helo the HELO/EHLO name ("" when unknown)
 * @param authUser the authenticated user of a submission (null for inbound mail): its scan is for
 *     outbound spam, with {@code spam.outbound_reject}
 * @param mailFrom the envelope sender ("" for the null sender)
 * @param recipients the envelope recipients, as accepted (lower-case domain)
 * @param localRecipients those of them that are ours, as the router resolved them (for per-user Bayes
 *     and lists: the first one is "the user")
 * @param auth our SPF/DKIM/DMARC/ARC/iprev results
 * @param received when the message arrived (for Date and Received chronology checks)
 */
public record ScanInput(
    ScannedMessage message,
    String clientIp,
    String helo,
    String authUser,
    String mailFrom,
    List<String> recipients,
    List<String> localRecipients,
    Authentication auth,
    Instant received) {

  /** Whether this is a submission by one of our users (scanned for outbound spam). */
  public boolean outbound() {
    return authUser != null;
  }

  /** The user whose per-user settings apply: the first local recipient, or null. */
  public String user() {
    return localRecipients.isEmpty() ? null : localRecipients.getFirst();
  }
}
