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
   * <p>Where it goes: with no user, the global database. With a user named on purpose ({@code --user},
   * {@code explicit}), that user's own database only. With a user who acted (an IMAP move), that user's
   * own database, and the global one too unless {@code bayes_per_user} (then each user trains only
   * their own).
   *
   * @return what happened in the database that classifies this user's mail
   */
  public BayesStore.Outcome learn(ScannedMessage m, Mode mode, String user, boolean explicit) throws IOException {
    BayesStore.Outcome o;
    if (user == null) {
      o = apply(m, mode, null);
    } else if (explicit || perUser) {
      o = apply(m, mode, user);
    } else {
      apply(m, mode, user);
      o = apply(m, mode, null);
    }
    if (checksums != null) {
      if (mode == Mode.SPAM) {
        checksums.learnSpam(m);
      } else if (o != BayesStore.Outcome.NOT_KNOWN && o != BayesStore.Outcome.ALREADY_KNOWN) {
        checksums.forget(m);
      }
    }
    return o;
  }

  private BayesStore.Outcome apply(ScannedMessage m, Mode mode, String scope) throws IOException {
    return switch (mode) {
      case SPAM -> bayes.teach(m, true, scope);
      case HAM -> bayes.teach(m, false, scope);
      case FORGET -> bayes.unlearn(m, scope);
    };
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
