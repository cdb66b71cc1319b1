package dev.postamt.filter.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Database;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgCluster;
import dev.postamt.testing.PgPools;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The checksum contract on PostgreSQL, and two nodes learning and forgetting the same spam at once. */
class PgChecksumStoreTest implements ChecksumStoreContract {
  private final PgPools pools = new PgPools();

  @Override
  public ChecksumStore store() throws Exception {
    return PgChecksumStore.open(pools.fresh());
  }

  @AfterEach
  void close() {
    pools.close();
  }

  @Test
  void twoNodesLearningAndForgettingTheSameSpamAtOnceDoItOnce() throws Exception {
    Database.Postgres pg = PgCluster.get().freshDatabase().postgres().orElseThrow();
    // two pools of their own, as two processes would have (a distinct URL makes a distinct pool)
    PgDatabase a = PgDatabase.of(pg, 3);
    PgDatabase b = PgDatabase.of(new Database.Postgres(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(),
        "ApplicationName=nodeB"), 3);
    try (ChecksumStore nodeA = PgChecksumStore.open(a); ChecksumStore nodeB = PgChecksumStore.open(b);
        ExecutorService threads = Executors.newFixedThreadPool(4)) {
      int messages = 20;
      assertThat(race(threads, messages, i -> nodeA.add(sig(i), FuzzyHash.bands(sig(i)), T0),
          i -> nodeB.add(sig(i), FuzzyHash.bands(sig(i)), T0)))
          .as("each signature stored by exactly one node").isEqualTo(messages);
      assertThat(nodeB.count()).isEqualTo(messages);
      for (int i = 0; i < messages; i++) {
        assertThat(nodeA.candidates(FuzzyHash.bands(sig(i)), 64)).as("signature " + i).hasSize(1);
      }
      assertThat(race(threads, messages, i -> nodeA.remove(sig(i)), i -> nodeB.remove(sig(i))))
          .as("each signature removed by exactly one node").isEqualTo(messages);
      assertThat(nodeA.count()).isZero();
      assertThat(nodeB.candidates(FuzzyHash.bands(sig(3)), 64)).isEmpty();
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void spamLearnedOnAnotherNodeIsFoundHereOnceItsNotificationArrives() throws Exception {
    Database.Postgres pg = PgCluster.get().freshDatabase().postgres().orElseThrow();
    PgDatabase a = PgDatabase.of(pg, 2);
    PgDatabase b = PgDatabase.of(new Database.Postgres(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(),
        "ApplicationName=nodeB"), 2);
    try (ChecksumStore nodeA = PgChecksumStore.open(a); ChecksumStore nodeB = PgChecksumStore.open(b)) {
      long[] bands = FuzzyHash.bands(sig(7));
      assertThat(nodeB.candidates(bands, 64)).isEmpty(); // node B now knows there are none
      assertThat(nodeA.add(sig(7), bands, T0)).isTrue();
      long end = System.nanoTime() + 10_000_000_000L;
      while (nodeB.candidates(bands, 64).isEmpty() && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      assertThat(nodeB.candidates(bands, 64)).hasSize(1);
    } finally {
      a.close();
      b.close();
    }
  }

  private static long[] sig(long i) {
    return ChecksumStoreContract.signature(i);
  }

  @FunctionalInterface
  interface Step {
    boolean run(long i) throws Exception;
  }

  /** Runs {@code onA(i)} and {@code onB(i)} at the same moment for each i; how many returned true. */
  static int race(ExecutorService threads, int n, Step onA, Step onB) throws Exception {
    List<Future<Boolean>> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long id = i;
      CyclicBarrier together = new CyclicBarrier(2);
      results.add(threads.submit(started(together, () -> onA.run(id))));
      results.add(threads.submit(started(together, () -> onB.run(id))));
    }
    int yes = 0;
    for (Future<Boolean> f : results) {
      yes += f.get() ? 1 : 0;
    }
    return yes;
  }

  private static Callable<Boolean> started(CyclicBarrier together, Callable<Boolean> step) {
    return () -> {
      together.await();
      return step.call();
    };
  }
}
