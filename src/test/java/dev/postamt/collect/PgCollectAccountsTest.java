package dev.postamt.collect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgNodes;
import dev.postamt.testing.PgPools;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collection state contract on PostgreSQL, and the pollers of two nodes never running one account at once. */
class PgCollectAccountsTest implements CollectAccountsContract {
  private final PgPools pools = new PgPools();
  private PgDatabase db;

  @Override
  public CollectAccounts open() {
    if (db == null) {
      db = pools.fresh();
    }
    return PgCollectAccounts.open(db);
  }

  @AfterEach
  void close() {
    pools.close();
  }

  @Test
  void twoNodesClaimingOneAccountAtOnceGetItOnce() throws Exception {
    try (PgNodes nodes = new PgNodes(); CollectAccounts a = PgCollectAccounts.open(nodes.a);
        CollectAccounts b = PgCollectAccounts.open(nodes.b); ExecutorService pool = Executors.newFixedThreadPool(2)) {
      long id = a.add(ALICE, POP, "old", new byte[] {1}, false, false, false, T0);
      long other = a.add(ALICE, IMAP, "other", new byte[] {1}, false, false, false, T0);
      for (int round = 0; round < 10; round++) {
        CountDownLatch go = new CountDownLatch(1);
        Callable<Optional<CollectAccounts.Claim>> onA = () -> {
          go.await();
          return a.claim(id);
        };
        Callable<Optional<CollectAccounts.Claim>> onB = () -> {
          go.await();
          return b.claim(id);
        };
        Future<Optional<CollectAccounts.Claim>> fa = pool.submit(onA);
        Future<Optional<CollectAccounts.Claim>> fb = pool.submit(onB);
        go.countDown();
        Optional<CollectAccounts.Claim> ca = fa.get();
        Optional<CollectAccounts.Claim> cb = fb.get();
        assertThat(ca.isPresent() ^ cb.isPresent()).as("exactly one node holds the account in round " + round).isTrue();
        Optional<CollectAccounts.Claim> otherAccount = b.claim(other); // another account is free meanwhile
        assertThat(otherAccount).isPresent();
        otherAccount.get().close();
        ca.ifPresent(CollectAccounts.Claim::close);
        cb.ifPresent(CollectAccounts.Claim::close);
      }
    }
  }

  @Test
  void aClaimDiesWithItsNode() throws Exception {
    try (PgNodes nodes = new PgNodes()) {
      CollectAccounts a = PgCollectAccounts.open(nodes.a);
      CollectAccounts b = PgCollectAccounts.open(nodes.b);
      long id = a.add(ALICE, POP, "old", new byte[] {1}, false, false, false, T0);
      assertThat(a.claim(id)).isPresent(); // never closed: node A "dies" holding it
      assertThat(b.claim(id)).isEmpty();
      nodes.a.close(); // its connections end, and with them the claim (once the server has seen them go)
      java.time.Instant end = java.time.Instant.now().plusSeconds(20);
      Optional<CollectAccounts.Claim> after = b.claim(id);
      while (after.isEmpty() && java.time.Instant.now().isBefore(end)) {
        Thread.sleep(20);
        after = b.claim(id);
      }
      assertThat(after).isPresent();
      after.get().close();
      b.close();
    }
  }

  @Test
  void aRunOnAnotherNodeLeavesTheAccountAloneAndRecordsNothing(@TempDir Path tmp) throws Exception {
    CollectFixture f = new CollectFixture(tmp, "");
    LocalDrop never = (user, queueId, message, id, retry) -> {
      throw new AssertionError("nothing may be delivered");
    };
    Clock clock = Clock.fixed(T0.plusSeconds(10), ZoneOffset.UTC);
    try (PgNodes nodes = new PgNodes(); CollectAccounts a = PgCollectAccounts.open(nodes.a);
        CollectAccounts b = PgCollectAccounts.open(nodes.b)) {
      long id = a.add(ALICE, POP, "old", new byte[] {1}, false, false, false, T0);
      CollectAccounts.Account due = b.get(id).orElseThrow();
      Collector onB = new Collector(f.config, b, null, never, clock);
      try (CollectAccounts.Claim busy = a.claim(id).orElseThrow()) {
        assertThat(onB.run(due).error()).isEqualTo("another node is collecting this account");
      }
      assertThat(b.get(id).orElseThrow().lastRun()).isEmpty();
      // node A's run ended meanwhile and put the next attempt off: B's poller, holding the old row, skips it
      a.finished(id, T0.plusSeconds(5), null, 0, T0.plusSeconds(3600));
      assertThat(onB.run(due, clock.instant()).error()).isEqualTo(Collector.NOT_DUE);
      assertThat(b.get(id).orElseThrow().lastRun()).contains(T0.plusSeconds(5));
    }
  }
}
