package dev.postamt.mda;

import dev.postamt.config.Config;
import dev.postamt.mailauth.dkim.DkimSigner;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.Envelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the mail Sieve sends (redirected copies, vacation replies, rejection notices, notifications)
 * into the queue, as {@code queue.Notifier} does for bounces: written to the spool under an id derived
 * from the message, recipient and action, committed, then handed to the scheduler. A retried delivery
 * computes the same id and finds the message already queued, so nothing goes out twice while the first
 * copy waits in the queue. Generated mail is DKIM-signed with the key of its From domain when there is
 * one, as mail from our users is at submission; redirected copies are not re-signed (they are not ours)
 * and get their envelope sender rewritten by {@code senderRewrite} (SRS, wired by the server).
 */
public final class Outbox {
  private static final Logger log = LoggerFactory.getLogger(Outbox.class);
  /** The envelope protocol of queued Sieve mail ({@code queue show}). */
  static final String PROTOCOL = "SIEVE";
  private static final char[] ALPHABET = "0123456789BCDFGHJKLMNPQRSTVWXYZ".toCharArray();

  private final Config config;
  private final DurableSpool spool;
  private final UnaryOperator<String> senderRewrite;
  private volatile Consumer<String> submit = id -> {};

  /** @param senderRewrite the envelope sender of a redirected copy (SRS); identity until wired */
  public Outbox(Config config, DurableSpool spool, UnaryOperator<String> senderRewrite) {
    this.config = config;
    this.spool = spool;
    this.senderRewrite = senderRewrite;
  }

  /** Where committed messages are handed for delivery (the queue manager's submit); set once it exists. */
  public void submitTo(Consumer<String> submit) {
    this.submit = submit;
  }

  /**
   * A spool id for the {@code n}th message of kind {@code kind} that delivering {@code parent} to
   * {@code user} (envelope recipient {@code index}) sends: the same on every retry, never longer than
   * the spool allows however often generated mail generates mail.
   */
  static String childId(String parent, String user, int index, char kind, int n) {
    byte[] h;
    try {
      h = MessageDigest.getInstance("SHA-256").digest(
          (parent + "\0" + user + "\0" + index + "\0" + kind + "\0" + n).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    StringBuilder b = new StringBuilder(parent.substring(0, Math.min(9, parent.length()))).append('S');
    for (int i = 0; i < 12; i++) {
      b.append(ALPHABET[(h[i] & 0xff) % ALPHABET.length]);
    }
    return b.append(kind).toString();
  }

  /** Queues a redirected copy (RFC 5228 §4.2) with the rewritten envelope sender; false if queued before. */
  boolean forward(String id, String sender, String to, String bodyType, byte[] message) throws IOException {
    String from;
    try {
      from = sender.isEmpty() ? "" : senderRewrite.apply(sender);
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause(); // the SRS key cannot be read: a temporary failure, never a copy sent unrewritten
    }
    return queue(id, from, List.of(to), bodyType, message, "");
  }

  /** Queues generated mail from the null sender, DKIM-signed for {@code fromDomain} when we have a key. */
  boolean send(String id, List<String> to, String fromDomain, byte[] message) throws IOException {
    String signature = "";
    if (fromDomain != null && !fromDomain.isEmpty()) {
      Optional<DkimSigner> signer = DkimSigner.forDomain(config.dataDir(), fromDomain.toLowerCase(Locale.ROOT));
      if (signer.isPresent()) {
        signature = signer.get().sign(message);
      }
    }
    return queue(id, "", to, "7BIT", message, signature);
  }

  private boolean queue(String id, String sender, List<String> to, String bodyType, byte[] message, String headers)
      throws IOException {
    if (spool.exists(id)) {
      return false; // an earlier attempt queued it
    }
    Instant now = Instant.now();
    try (DurableSpool.Writer w = spool.create(id)) {
      w.out().write(message);
      w.commit(new Envelope(id, now, sender, to.stream().map(Envelope.Recipient::of).toList(), bodyType, false,
          Optional.empty(), Optional.empty(), config.hostname(), "", Optional.empty(), PROTOCOL), headers);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      return false; // a concurrent attempt is writing it
    }
    log.info("sieve: queued {} from <{}> to {}", id, sender, to);
    submit.accept(id);
    return true;
  }
}
