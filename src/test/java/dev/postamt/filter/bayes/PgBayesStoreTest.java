package dev.postamt.filter.bayes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgPools;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Bayes contract on PostgreSQL, and nodes learning at once. */
class PgBayesStoreTest implements BayesStoreContract {
  private final PgPools pools = new PgPools();

  @Override
  public BayesStore store() throws Exception {
    return PgBayesStore.open(pools.fresh());
  }

  @AfterEach
  void close() {
    pools.close();
  }

  @Test
  void twoNodesLearningTheSameMessageAtOnceCountItOnce() throws Exception {
    PgDatabase db = pools.fresh();
    try (BayesStore nodeA = PgBayesStore.open(db); BayesStore nodeB = PgBayesStore.open(db);
        ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<BayesStore.Outcome>> results = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String digest = "m" + i;
        results.add(pool.submit(() -> nodeA.learn(BayesStore.GLOBAL, digest, A, true, false, NOW)));
        results.add(pool.submit(() -> nodeB.learn(BayesStore.GLOBAL, digest, A, true, false, NOW)));
      }
      long learned = 0;
      for (Future<BayesStore.Outcome> f : results) {
        if (f.get() == BayesStore.Outcome.LEARNED) {
          learned++;
        }
      }
      assertThat(learned).isEqualTo(10);
      assertThat(nodeB.messages(BayesStore.GLOBAL)).isEqualTo(new BayesStore.Counts(10, 0));
      int[] spam = new int[A.length];
      int[] ham = new int[A.length];
      nodeA.tokens(BayesStore.GLOBAL, A, spam, ham);
      assertThat(spam).containsOnly(10);
    }
  }
}
