package dev.postamt.sieve;

import java.time.Duration;
import java.util.List;

/**
 * What a script decided, in the order it decided it. Delivery carries these out; nothing here has been
 * done yet (no mail stored, sent or rejected).
 */
public sealed interface SieveAction {
  /** Store in the user's default mailbox (RFC 5228 §4.3), with IMAP flags (RFC 5232). */
  record Keep(List<String> flags) implements SieveAction {}

  /**
   * Store in {@code mailbox} (RFC 5228 §4.1); {@code create} (RFC 5490 §3) makes it when missing;
   * {@code specialUse} (RFC 8579) names the mailbox to prefer by its special-use attribute, or null.
   */
  record FileInto(String mailbox, List<String> flags, boolean create, String specialUse, boolean copy)
      implements SieveAction {}

  /** Forward to {@code address} (RFC 5228 §4.2); with {@code copy} (RFC 3894) the implicit keep stays. */
  record Redirect(String address, boolean copy) implements SieveAction {}

  /** Throw the message away (RFC 5228 §4.4). */
  record Discard() implements SieveAction {}

  /** Refuse the message with a reason: a bounce, or the SMTP reply at LMTP time (RFC 5429 §2.2). */
  record Reject(String reason) implements SieveAction {}

  /** Refuse at the protocol level where possible (RFC 5429 §2.1). */
  record Ereject(String reason) implements SieveAction {}

  /**
   * An auto-reply (RFC 5230 §4, RFC 6131). The interpreter has decided whether it is due: when
   * {@code suppressed} is null delivery sends it, else it names why not (null sender, list mail, already
   * answered, ...) and nothing is sent. It is in the result either way, as it conflicts with reject.
   *
   * @param recipient whom to answer (the envelope sender)
   * @param from the From address of the reply, or null for the user's address
   * @param subject the subject, or null for "Auto: " + the original subject
   * @param reason the body text (a MIME entity when {@code mime})
   * @param handle identifies this reply for the "seen before" record
   * @param period how long the reply suppresses the next one to the same sender
   * @param inReplyTo the Message-ID answered, or null
   * @param suppressed why no reply is sent, or null when it is due
   */
  record Vacation(String recipient, String from, String subject, String reason, boolean mime, String handle,
      Duration period, String inReplyTo, String suppressed) implements SieveAction {
    public boolean due() {
      return suppressed == null;
    }
  }

  /** A notification (RFC 5435) by {@code method} (a URI, e.g. mailto:). */
  record Notify(String method, String from, String importance, List<String> options, String message)
      implements SieveAction {}

  /** A header field added to the message (RFC 5293 §4), first or last. */
  record AddHeader(String name, String value, boolean last) implements SieveAction {}

  /** Header fields removed (RFC 5293 §5): occurrences of {@code name} whose values matched. */
  record DeleteHeader(String name, int deleted) implements SieveAction {}
}
