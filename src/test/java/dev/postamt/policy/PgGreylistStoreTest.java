package dev.postamt.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgPools;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The greylist contract on PostgreSQL, and two nodes passing one triplet at once. */
class PgGreylistStoreTest implements GreylistStoreContract {
  private final PgPools pools = new PgPools();

  @Override
  public GreylistStore store() {
    return PgGreylistStore.open(pools.fresh());
  }

  @AfterEach
  void close() {
    pools.close();
  }

  @Test
  void twoNodesPassingTheSameTripletAtOnceCountTheClientOnce() throws Exception {
    PgDatabase db = pools.fresh();
    try (GreylistStore nodeA = PgGreylistStore.open(db); GreylistStore nodeB = PgGreylistStore.open(db);
        ExecutorService pool = Executors.newFixedThreadPool(2)) {
      for (int i = 0; i < 20; i++) {
        String triplet = "net/a" + i + "/b";
        nodeA.start(triplet, T0);
        Callable<Boolean> a = () -> nodeA.pass(triplet, "net", T0.plusSeconds(600));
        Callable<Boolean> b = () -> nodeB.pass(triplet, "net", T0.plusSeconds(601));
        Future<Boolean> fa = pool.submit(a);
        Future<Boolean> fb = pool.submit(b);
        assertThat(fa.get() ^ fb.get()).as("exactly one node records the first pass").isTrue();
      }
      assertThat(nodeB.lookup("net/a0/b", "net").clientPasses()).isEqualTo(20);
    }
  }
}
