package dev.postamt.filter.bayes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BayesStore} backend must do: counts per scope, idempotent learning, relearning the
 * other way, forgetting, expiry, batch reads. Implemented by each backend's test class.
 */
interface BayesStoreContract {
  /** A new, empty store. */
  BayesStore store() throws Exception;

  Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  long[] A = {1, 2, 3, 4};
  long[] B = {3, 4, 5};

  private static int[][] counts(BayesStore s, String scope, long... hashes) throws Exception {
    int[] spam = new int[hashes.length];
    int[] ham = new int[hashes.length];
    s.tokens(scope, hashes, spam, ham);
    return new int[][] {spam, ham};
  }

  @Test
  default void learningTwiceCountsOnce() throws Exception {
    try (BayesStore s = store()) {
      assertThat(s.learn(BayesStore.GLOBAL, "a", A, true, false, NOW)).isEqualTo(BayesStore.Outcome.LEARNED);
      assertThat(s.learn(BayesStore.GLOBAL, "a", A, true, false, NOW)).isEqualTo(BayesStore.Outcome.ALREADY_KNOWN);
      assertThat(s.learn(BayesStore.GLOBAL, "b", B, true, false, NOW)).isEqualTo(BayesStore.Outcome.LEARNED);
      assertThat(s.messages(BayesStore.GLOBAL)).isEqualTo(new BayesStore.Counts(2, 0));
      int[][] c = counts(s, BayesStore.GLOBAL, 1, 3, 5, 99);
      assertThat(c[0]).containsExactly(1, 2, 1, 0);
      assertThat(c[1]).containsExactly(0, 0, 0, 0);
      assertThat(s.learned(BayesStore.GLOBAL, "a")).contains(true);
      assertThat(s.learned(BayesStore.GLOBAL, "zz")).isEmpty();
    }
  }

  @Test
  default void relearningTheOtherWayMovesTheCounts() throws Exception {
    try (BayesStore s = store()) {
      s.learn(BayesStore.GLOBAL, "a", A, true, false, NOW);
      assertThat(s.learn(BayesStore.GLOBAL, "a", A, false, false, NOW)).isEqualTo(BayesStore.Outcome.RELEARNED);
      assertThat(s.messages(BayesStore.GLOBAL)).isEqualTo(new BayesStore.Counts(0, 1));
      int[][] c = counts(s, BayesStore.GLOBAL, A);
      assertThat(c[0]).containsOnly(0);
      assertThat(c[1]).containsOnly(1);
      assertThat(s.learned(BayesStore.GLOBAL, "a")).contains(false);
      // autolearn (onlyNew) does not overrule what a person decided
      assertThat(s.learn(BayesStore.GLOBAL, "a", A, true, true, NOW)).isEqualTo(BayesStore.Outcome.ALREADY_KNOWN);
      assertThat(s.messages(BayesStore.GLOBAL)).isEqualTo(new BayesStore.Counts(0, 1));
    }
  }

  @Test
  default void forgettingTakesAMessageOutAndDeletesEmptyTokens() throws Exception {
    try (BayesStore s = store()) {
      s.learn(BayesStore.GLOBAL, "a", A, true, false, NOW);
      s.learn(BayesStore.GLOBAL, "b", B, false, false, NOW);
      assertThat(s.forget(BayesStore.GLOBAL, "a", A)).isEqualTo(BayesStore.Outcome.FORGOTTEN);
      assertThat(s.forget(BayesStore.GLOBAL, "a", A)).isEqualTo(BayesStore.Outcome.NOT_KNOWN);
      assertThat(s.forget("nobody@example.test", "a", A)).isEqualTo(BayesStore.Outcome.NOT_KNOWN);
      assertThat(s.messages(BayesStore.GLOBAL)).isEqualTo(new BayesStore.Counts(0, 1));
      assertThat(s.stats(BayesStore.GLOBAL).tokens()).isEqualTo(3); // 3, 4, 5 of b
      int[][] c = counts(s, BayesStore.GLOBAL, 1, 3);
      assertThat(c[0]).containsExactly(0, 0);
      assertThat(c[1]).containsExactly(0, 1);
    }
  }

  @Test
  default void scopesAreSeparate() throws Exception {
    try (BayesStore s = store()) {
      s.learn("alice@example.test", "a", A, true, false, NOW);
      s.learn(BayesStore.GLOBAL, "a", A, false, false, NOW);
      assertThat(s.messages("alice@example.test")).isEqualTo(new BayesStore.Counts(1, 0));
      assertThat(s.messages(BayesStore.GLOBAL)).isEqualTo(new BayesStore.Counts(0, 1));
      assertThat(s.messages("bob@example.test")).isEqualTo(new BayesStore.Counts(0, 0));
      assertThat(counts(s, "alice@example.test", 1)[0]).containsExactly(1);
      assertThat(counts(s, "bob@example.test", 1)[0]).containsExactly(0);
    }
  }

  @Test
  default void tokensNotLearnedForTheTtlExpire() throws Exception {
    try (BayesStore s = store()) {
      s.learn(BayesStore.GLOBAL, "old", A, true, false, NOW.minus(Duration.ofDays(200)));
      s.learn(BayesStore.GLOBAL, "new", B, true, false, NOW);
      assertThat(s.expire(NOW.minus(Duration.ofDays(180)))).isEqualTo(2); // 1 and 2; 3 and 4 were seen again
      assertThat(counts(s, BayesStore.GLOBAL, 1, 2, 3, 4, 5)[0]).containsExactly(0, 0, 2, 2, 1);
      BayesStore.Stats st = s.stats(BayesStore.GLOBAL);
      assertThat(st.oldest()).contains(NOW.minus(Duration.ofDays(200)));
      assertThat(st.newest()).contains(NOW);
    }
  }

  @Test
  default void countsReadBeforeAChangeAreNotAnsweredAfterIt() throws Exception {
    try (BayesStore s = store()) {
      long[] ask = {1, 2, 3, 4, 5, 99};
      s.learn(BayesStore.GLOBAL, "a", A, true, false, NOW);
      assertThat(counts(s, BayesStore.GLOBAL, ask)[0]).containsExactly(1, 1, 1, 1, 0, 0);
      assertThat(s.messages(BayesStore.GLOBAL)).isEqualTo(new BayesStore.Counts(1, 0));
      s.learn(BayesStore.GLOBAL, "b", B, false, false, NOW);
      int[][] c = counts(s, BayesStore.GLOBAL, ask);
      assertThat(c[0]).containsExactly(1, 1, 1, 1, 0, 0);
      assertThat(c[1]).containsExactly(0, 0, 1, 1, 1, 0);
      assertThat(s.messages(BayesStore.GLOBAL)).isEqualTo(new BayesStore.Counts(1, 1));
      s.learn(BayesStore.GLOBAL, "a", A, false, false, NOW); // relearned as ham
      c = counts(s, BayesStore.GLOBAL, ask);
      assertThat(c[0]).containsOnly(0);
      assertThat(c[1]).containsExactly(1, 1, 2, 2, 1, 0);
      assertThat(s.messages(BayesStore.GLOBAL)).isEqualTo(new BayesStore.Counts(0, 2));
      s.forget(BayesStore.GLOBAL, "b", B);
      c = counts(s, BayesStore.GLOBAL, ask);
      assertThat(c[1]).containsExactly(1, 1, 1, 1, 0, 0);
      assertThat(s.messages(BayesStore.GLOBAL)).isEqualTo(new BayesStore.Counts(0, 1));
      s.learn("alice@example.test", "c", new long[] {5}, true, false, NOW.minus(Duration.ofDays(200)));
      assertThat(counts(s, "alice@example.test", 5, 1)[0]).containsExactly(1, 0);
      assertThat(counts(s, BayesStore.GLOBAL, 5)[0]).containsExactly(0);
      s.expire(NOW.minus(Duration.ofDays(180)));
      assertThat(counts(s, "alice@example.test", 5)[0]).containsExactly(0);
      assertThat(counts(s, BayesStore.GLOBAL, ask)[1]).containsExactly(1, 1, 1, 1, 0, 0);
    }
  }

  @Test
  default void largeBatchesAreReadWhole() throws Exception {
    try (BayesStore s = store()) {
      long[] many = new long[2500];
      for (int i = 0; i < many.length; i++) {
        many[i] = i * 7919L - 1_000_000L;
      }
      s.learn(BayesStore.GLOBAL, "big", many, false, false, NOW);
      long[] ask = new long[1901]; // not a batch size, and crossing batches
      for (int i = 0; i < ask.length; i++) {
        ask[i] = many[i + 300];
      }
      int[][] c = counts(s, BayesStore.GLOBAL, ask);
      assertThat(c[1]).containsOnly(1);
      assertThat(counts(s, BayesStore.GLOBAL)[0]).isEmpty();
    }
  }
}
