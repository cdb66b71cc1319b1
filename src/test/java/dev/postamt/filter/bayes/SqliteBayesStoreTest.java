package dev.postamt.filter.bayes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite backend against the {@link BayesStoreContract}, and that it keeps what it learned. */
class SqliteBayesStoreTest implements BayesStoreContract {
  @TempDir Path dir;
  private int n;

  @Override
  public BayesStore store() throws Exception {
    return SqliteBayesStore.open(dir.resolve("d" + n++));
  }

  /** The CLI's {@code spam learn} writes through a connection of its own: the server's next read sees it. */
  @Test
  void seesWhatAnotherConnectionLearned() throws Exception {
    try (BayesStore server = SqliteBayesStore.open(dir)) {
      server.learn(BayesStore.GLOBAL, "a", A, true, false, NOW);
      int[] spam = new int[3];
      int[] ham = new int[3];
      server.tokens(BayesStore.GLOBAL, new long[] {1, 5, 99}, spam, ham);
      assertThat(spam).containsExactly(1, 0, 0);
      assertThat(server.messages(BayesStore.GLOBAL)).isEqualTo(new BayesStore.Counts(1, 0));
      try (BayesStore cli = SqliteBayesStore.open(dir)) {
        cli.learn(BayesStore.GLOBAL, "b", new long[] {1, 5}, true, false, NOW);
      }
      server.tokens(BayesStore.GLOBAL, new long[] {1, 5, 99}, spam, ham);
      assertThat(spam).containsExactly(2, 1, 0);
      assertThat(server.messages(BayesStore.GLOBAL)).isEqualTo(new BayesStore.Counts(2, 0));
    }
  }

  /** More tokens than the kept table has slots: answers that share a slot replace each other, never mix. */
  @Test
  void moreTokensThanKeptAnswerLikeTheFile() throws Exception {
    long[] many = new long[TokenCounts.SLOTS + 5000];
    for (int i = 0; i < many.length; i++) {
      many[i] = i * 2_654_435_761L + 17;
    }
    try (BayesStore s = SqliteBayesStore.open(dir)) {
      s.learn(BayesStore.GLOBAL, "a", java.util.Arrays.copyOf(many, many.length / 2), true, false, NOW);
      int[] spam = new int[many.length];
      int[] ham = new int[many.length];
      s.tokens(BayesStore.GLOBAL, many, spam, ham);
      s.learn(BayesStore.GLOBAL, "b", java.util.Arrays.copyOfRange(many, many.length / 3, many.length), false, false, NOW);
      s.tokens(BayesStore.GLOBAL, many, spam, ham);
      for (int i = 0; i < many.length; i++) {
        assertThat(spam[i]).as("spam of token %d", i).isEqualTo(i < many.length / 2 ? 1 : 0);
        assertThat(ham[i]).as("ham of token %d", i).isEqualTo(i >= many.length / 3 ? 1 : 0);
      }
    }
  }

  @Test
  void keepsWhatItLearnedAcrossOpens() throws Exception {
    try (BayesStore s = SqliteBayesStore.open(dir)) {
      s.learn(BayesStore.GLOBAL, "a", A, true, false, NOW);
    }
    assertThat(Files.exists(dir.resolve(SqliteBayesStore.FILE_NAME))).isTrue();
    try (BayesStore s = SqliteBayesStore.open(dir)) {
      assertThat(s.messages(BayesStore.GLOBAL)).isEqualTo(new BayesStore.Counts(1, 0));
      assertThat(s.learn(BayesStore.GLOBAL, "a", A, true, false, NOW)).isEqualTo(BayesStore.Outcome.ALREADY_KNOWN);
    }
  }
}
