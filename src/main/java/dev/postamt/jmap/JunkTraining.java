package dev.postamt.jmap;

import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learning from what users do with their mail over JMAP, as IMAP does for COPY and MOVE: an Email
 * whose {@code mailboxIds} change moves it into the Mailbox with role {@code junk} (RFC 8621 §2, the
 * RFC 6154 {@code \Junk} special use) is spam, one moved out of Junk into any Mailbox but the one with
 * role {@code trash} is ham; {@code Email/copy} into or out of Junk teaches the same. This is what the
 * webmail's "Spam" and "Not spam" buttons do. The server gives {@link JmapServices#learnFromJunk} an
 * implementation (the Bayes training, when {@code spam.learn_from_junk} is on); without one nothing is
 * learned.
 *
 * <p>Learning happens after the change, on a virtual thread that reads the messages in their new
 * Mailbox through its own account handle; a failure is logged and never fails or delays the JMAP call.
 */
@FunctionalInterface
public interface JunkTraining {
  /** Learns one message for {@code user}: spam when true, ham when false. */
  void learn(String user, InputStream message, boolean spam) throws IOException;

  /** What a move or copy from {@code source} to {@code target} teaches: spam, ham, or nothing. */
  static Optional<Boolean> verdict(MailboxInfo source, MailboxInfo target) {
    boolean fromJunk = "junk".equals(MailboxMethods.role(source));
    boolean toJunk = "junk".equals(MailboxMethods.role(target));
    if (toJunk && !fromJunk) {
      return Optional.of(true);
    }
    if (fromJunk && !toJunk && !"trash".equals(MailboxMethods.role(target))) {
      return Optional.of(false);
    }
    return Optional.empty();
  }

  /**
   * After the messages now at {@code targetUids} in {@code target} came there from {@code source}:
   * learns them in the background when that teaches something and a training is set.
   */
  static void moved(CallContext c, MailboxInfo source, MailboxInfo target, List<Long> targetUids) {
    JunkTraining training = c.services == null ? null : c.services.junkTraining;
    if (training == null || targetUids.isEmpty()) {
      return;
    }
    Optional<Boolean> spam = verdict(source, target);
    if (spam.isEmpty()) {
      return;
    }
    MailStore store = c.services.store;
    String user = c.user;
    Logger log = LoggerFactory.getLogger(JunkTraining.class);
    Thread.ofVirtual().name("jmap-junk-learning").start(() -> {
      try (Account account = store.open(user)) {
        int learned = account.readEach(target, targetUids, in -> training.learn(user, in, spam.get()));
        log.info("jmap: learned {} message(s) of {} as {} (moved {} {})", learned, user, spam.get() ? "spam" : "ham",
            spam.get() ? "into" : "out of", spam.get() ? target.name() : source.name());
      } catch (IOException | RuntimeException e) {
        log.warn("jmap: learning {} message(s) of {} as {} failed: {}", targetUids.size(), user,
            spam.get() ? "spam" : "ham", e.toString());
      }
    });
  }
}
