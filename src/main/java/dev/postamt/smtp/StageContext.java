package dev.postamt.smtp;

import dev.postamt.queue.Envelope;
import dev.postamt.routing.Resolution;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a {@link StageCheck} may know when it runs: the client, and what the stage adds (the sender
 * from MAIL on, the recipient at RCPT, the message at END_OF_DATA). Fields a stage has not reached
 * yet are null, like the attributes of Postfix's policy delegation protocol.
 *
 * @param sender the MAIL FROM path (null before MAIL)
 * @param recipient the recipient being checked (RCPT only)
 * @param recipients the recipients accepted so far in the transaction
 * @param message the received message (END_OF_DATA only)
 * @param policyEffects what the {@code [policy]} access maps asked for in this transaction (DISCARD,
 *     HOLD, PREPEND, REDIRECT): the transaction's own list, added to at RCPT, applied at END_OF_DATA;
 *     an empty unmodifiable list outside a transaction
 */
record StageContext(
    Stage stage,
    Client client,
    MailPath sender,
    Recipient recipient,
    List<Envelope.Recipient> recipients,
    Message message,
    List<dev.postamt.policy.Effect> policyEffects) {

  StageContext(Stage stage, Client client, MailPath sender, Recipient recipient, List<Envelope.Recipient> recipients, Message message) {
    this(stage, client, sender, recipient, recipients, message, List.of());
  }

  /**
   * @param helo the HELO/EHLO name (null before it)
   * @param authUser the authenticated user (null when not authenticated)
   * @param trustedNetwork the client is in {@code relay.networks}
   * @param trailSession the session id of the message trail ({@link dev.postamt.events.TrailKey}), or null
   */
  record Client(
      SmtpServer.Mode mode,
      String service,
      InetAddress address,
      String ip,
      boolean trustedNetwork,
      String helo,
      boolean tls,
      String authUser,
      String trailSession) {
    /** Postfix {@code permit_mynetworks, permit_sasl_authenticated}: may relay, may ask for notices. */
    boolean trusted() {
      return trustedNetwork || authUser != null;
    }

    boolean lmtp() {
      return mode == SmtpServer.Mode.LMTP;
    }

    /** The same client, having just said HELO/EHLO with {@code name}. */
    Client withHelo(String name) {
      return new Client(mode, service, address, ip, trustedNetwork, name, tls, authUser, trailSession);
    }
  }

  /**
   * One RCPT TO after normalisation.
   *
   * @param address the address the message is for: the local part as given, the domain lower-cased; a
   *     bare {@code postmaster} or an address literal of ours is qualified with our host name
   * @param domain its domain ({@code [ip]} for an address literal that is not ours)
   * @param resolution what the router says about it ({@link Resolution.NotLocal} for a foreign literal)
   */
  record Recipient(MailPath path, String address, String domain, Resolution resolution) {
    /** Shown in replies: {@code <address>} as the client wrote it, made printable. */
    String shown() {
      return "<" + MailPath.printable(path.address()) + ">";
    }
  }

  /**
   * @param content opens the message as received (an {@link java.io.UncheckedIOException} when it
   *     cannot)
   * @param resolutions what the router said at RCPT, by recipient address ({@link Transaction#resolutions})
   */
  record Message(Envelope envelope, Supplier<InputStream> content, MessageEdits edits,
      java.util.Map<String, Resolution> resolutions) {
    Message(Envelope envelope, Supplier<InputStream> content, MessageEdits edits) {
      this(envelope, content, edits, java.util.Map.of());
    }
  }
}
