package dev.postamt.filter.bayes;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * Where Bayes keeps what it learned, per scope: {@link #GLOBAL} or one user's address. A scope holds
 * how many messages were learned as spam and as ham, and for each token (a 64-bit hash) in how many of
 * them it was, and when it was last learned. Which messages were learned is kept by digest, so that
 * learning is idempotent: a message learned twice counts once, learned the other way it moves, and
 * forgetting takes it out again.
 *
 * <p>Reads of a message's tokens are one batch ({@link #tokens}), never a round-trip per token. Errors
 * are {@link IOException}s naming the file.
 */
public interface BayesStore extends AutoCloseable {
  /** The scope of the site-wide database. */
  String GLOBAL = "";

  /** What a {@link #learn} or {@link #forget} did. */
  enum Outcome {
    /** learned for the first time */
    LEARNED,
    /** already learned the same way: nothing changed */
    ALREADY_KNOWN,
    /** had been learned the other way: moved */
    RELEARNED,
    /** taken out */
    FORGOTTEN,
    /** forget of a message never learned: nothing changed */
    NOT_KNOWN
  }

  /** The messages learned in a scope. */
  record Counts(long spam, long ham) {}

  /**
   * A scope's figures for {@code postamt spam stats}.
   *
   * @param oldest when the earliest message still counted was learned (empty when none)
   * @param newest when the latest was
   */
  record Stats(long spam, long ham, long tokens, Optional<Instant> oldest, Optional<Instant> newest) {}

  /** The messages learned in {@code scope} (zero for an unknown scope). */
  Counts messages(String scope) throws IOException;

  /**
   * The spam and ham counts of each token in {@code hashes}, in one batch: {@code spam[i]} and {@code
   * ham[i]} for {@code hashes[i]}, both 0 for a token never learned.
   */
  void tokens(String scope, long[] hashes, int[] spam, int[] ham) throws IOException;

  /**
   * Learns a message with {@code digest} and tokens {@code hashes} as spam or ham in {@code scope}.
   *
   * @param onlyNew when true a message learned either way before is left as it is ({@link
   *     Outcome#ALREADY_KNOWN}): autolearn does not overrule a person
   */
  Outcome learn(String scope, String digest, long[] hashes, boolean spam, boolean onlyNew, Instant now)
      throws IOException;

  /** Takes a learned message out of {@code scope} again. */
  Outcome forget(String scope, String digest, long[] hashes) throws IOException;

  /** Whether {@code digest} is learned in {@code scope}: empty when not, else true for spam. */
  Optional<Boolean> learned(String scope, String digest) throws IOException;

  /** Removes the tokens of every scope last learned before {@code cutoff}; returns how many. */
  int expire(Instant cutoff) throws IOException;

  Stats stats(String scope) throws IOException;

  @Override
  void close();
}
