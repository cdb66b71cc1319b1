package dev.postamt.mda;

import dev.postamt.config.Config;
import dev.postamt.mailauth.dkim.DkimSigner;
import dev.postamt.mime.Address;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.Envelope;
import dev.postamt.sieve.OutgoingMessage;
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

  /**
   * Queues mail composed for a user's script (vacation reply, notification, rejection notice) from the
   * null sender, whatever sender the language chose: RFC 3834 §3.3 wants automatic replies sent so that
   * they bounce nowhere, and a notification that cannot be delivered must not produce mail to the user
   * (RFC 5436 §2.7 warns of loops). DKIM-signed with the key of the From field's domain when we have
   * one. The body type is {@code 8BITMIME} when the message holds 8-bit bytes (a {@code vacation :mime}
   * entity the script wrote in 8bit), so the SMTP client sends it with BODY=8BITMIME or refuses it to a
   * server without 8BITMIME rather than send undeclared 8-bit data; what we compose ourselves is 7-bit.
   * Returns false if it was queued before.
   */
  boolean send(String id, OutgoingMessage message) throws IOException {
    byte[] content = message.content();
    String signature = "";
    String fromDomain = fromDomain(content);
    if (!fromDomain.isEmpty()) {
      Optional<DkimSigner> signer = DkimSigner.forDomain(config.dataDir(), fromDomain);
      if (signer.isPresent()) {
        signature = signer.get().sign(content);
      }
    }
    return queue(id, "", message.envelopeTo(), eightBit(content) ? "8BITMIME" : "7BIT", content, signature);
  }

  static boolean eightBit(byte[] content) {
    for (byte b : content) {
      if (b < 0) {
        return true;
      }
    }
    return false;
  }

  /** The domain of the (first) From address of a message, lower case; "" when there is none. */
  static String fromDomain(byte[] content) {
    String text = new String(content, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    String[] fields = (end < 0 ? text : text.substring(0, end)).split("\r\n(?![ \t])");
    for (String f : fields) {
      if (f.regionMatches(true, 0, "From:", 0, 5)) {
        for (Address a : Address.parseList(f.substring(5).replaceAll("\r\n", ""))) {
          if (a.host() != null && !a.isGroupStart() && !a.isGroupEnd()) {
            return a.host().toLowerCase(Locale.ROOT);
          }
        }
        return "";
      }
    }
    return "";
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
