package dev.postamt.imap;

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
 * Learning from what users do with their mail (Dovecot's imapsieve with {@code sa-learn}, built in): a
 * message copied or moved into the Junk mailbox (RFC 6154 {@code \Junk}, or named {@code Junk}) is
 * spam, one taken out of Junk into any mailbox but Trash is ham. The server gives the IMAP service an
 * implementation ({@link ImapServer#learnFromJunk}); without one nothing is learned.
 *
 * <p>Learning happens after the command has been answered, on a virtual thread that reads the copies
 * in the target mailbox; a failure is logged and never fails or delays the IMAP command.
 */
@FunctionalInterface
public interface JunkLearning {
  /** Learns one message for {@code user}: spam when true, ham when false. */
  void learn(String user, InputStream message, boolean spam) throws IOException;

  /** Whether a mailbox is the Junk mailbox. */
  static boolean isJunk(MailboxInfo m) {
    return m.specialUse().map(u -> u.equalsIgnoreCase("\\Junk")).orElse(false) || m.name().equalsIgnoreCase("Junk");
  }

  /** Whether a mailbox is the Trash mailbox (moving spam there is deleting it, not calling it ham). */
  static boolean isTrash(MailboxInfo m) {
    return m.specialUse().map(u -> u.equalsIgnoreCase("\\Trash")).orElse(false) || m.name().equalsIgnoreCase("Trash");
  }

  /** What a copy from {@code source} to {@code target} teaches: spam, ham, or nothing. */
  static Optional<Boolean> verdict(MailboxInfo source, MailboxInfo target) {
    if (isJunk(target) && !isJunk(source)) {
      return Optional.of(true);
    }
    if (isJunk(source) && !isJunk(target) && !isTrash(target)) {
      return Optional.of(false);
    }
    return Optional.empty();
  }

  /**
   * After COPY or MOVE of messages that are now {@code targetUids} in {@code target}: learns them in the
   * background when the move teaches something.
   */
  static void copied(JunkLearning learning, MailStore store, String user, MailboxInfo source, MailboxInfo target,
      List<Long> targetUids) {
    if (learning == null || targetUids.isEmpty()) {
      return;
    }
    Optional<Boolean> spam = verdict(source, target);
    if (spam.isEmpty()) {
      return;
    }
    Logger log = LoggerFactory.getLogger(JunkLearning.class);
    Thread.ofVirtual().name("junk-learning").start(() -> {
      try (Account account = store.open(user)) {
        int learned = account.readEach(target, targetUids, in -> learning.learn(user, in, spam.get()));
        log.info("imap: learned {} message(s) of {} as {} (moved {} {})", learned, user, spam.get() ? "spam" : "ham",
            spam.get() ? "into" : "out of", spam.get() ? target.name() : source.name());
      } catch (IOException | RuntimeException e) {
        log.warn("imap: learning {} of {} as {} failed: {}", targetUids.size(), user,
            spam.get() ? "spam" : "ham", e.toString());
      }
    });
  }
}
