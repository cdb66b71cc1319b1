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
