package dev.postamt.filter.bayes;

import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.checksum.Checksums;
import java.io.IOException;

/**
 * Learning one message everywhere it should go: Bayes (the user's own database with {@code
 * spam.bayes_per_user}, else the global one) and the checksums of known spam (stored when learned as
 * spam, removed when relearned as ham or forgotten). Used by {@code postamt spam learn} and by IMAP
 * moves into and out of Junk.
 */
public final class Training implements AutoCloseable {
  /** What to do with a message. */
  public enum Mode {
    SPAM,
    HAM,
    FORGET
  }

  private final Bayes bayes;
  private final Checksums checksums;
  private final boolean perUser;

  /**
   * @param checksums null when checksums are not kept
   * @param perUser {@code spam.bayes_per_user}: a user's learning goes to the user's own database
   */
  public Training(Bayes bayes, Checksums checksums, boolean perUser) {
    this.bayes = bayes;
    this.checksums = checksums;
    this.perUser = perUser;
  }

  /**
   * Learns {@code m} as {@code mode} says.
   *
   * @param user the user on whose behalf (a mover in IMAP, {@code --user}); null for the global database
   * @param explicit whether the user was named on purpose ({@code --user}): then the user's database is
   *     used even without {@code bayes_per_user}
   */
  public BayesStore.Outcome learn(ScannedMessage m, Mode mode, String user, boolean explicit) throws IOException {
    String scope = user != null && (perUser || explicit) ? user : null;
    BayesStore.Outcome o = switch (mode) {
      case SPAM -> bayes.teach(m, true, scope);
      case HAM -> bayes.teach(m, false, scope);
      case FORGET -> bayes.unlearn(m, scope);
    };
    if (checksums != null) {
      if (mode == Mode.SPAM) {
        checksums.learnSpam(m);
      } else if (o != BayesStore.Outcome.NOT_KNOWN && o != BayesStore.Outcome.ALREADY_KNOWN) {
        checksums.forget(m);
      }
    }
    return o;
  }

  public Bayes bayes() {
    return bayes;
  }

  /** The checksums of known spam; null when they are not kept. */
  public Checksums checksums() {
    return checksums;
  }

  /** Closes the databases. */
  @Override
  public void close() {
    bayes.close();
    if (checksums != null) {
      checksums.close();
    }
  }
}
