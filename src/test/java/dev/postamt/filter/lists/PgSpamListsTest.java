package dev.postamt.filter.lists;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Database;
import dev.postamt.filter.lists.SpamListStore.Entry;
import dev.postamt.filter.lists.SpamListStore.Kind;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgCluster;
import dev.postamt.testing.PgPools;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The list store contract on PostgreSQL, and two nodes changing the same lists at once. */
class PgSpamListsTest implements SpamListStoreContract {
  private final PgPools pools = new PgPools();

  @Override
  public SpamListStore store() throws Exception {
    return PgSpamLists.open(pools.fresh());
  }

  @AfterEach
  void close() {
    pools.close();
  }

  @Test
  void anEntryAddedOnAnotherNodeCountsHereOnceItsNotificationArrives() throws Exception {
    Database.Postgres pg = PgCluster.get().freshDatabase().postgres().orElseThrow();
    PgDatabase a = PgDatabase.of(pg, 2);
    PgDatabase b = PgDatabase.of(new Database.Postgres(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(),
        "ApplicationName=nodeB"), 2);
    try (SpamListStore nodeA = PgSpamLists.open(a); SpamListStore nodeB = PgSpamLists.open(b)) {
      assertThat(nodeB.entries("bob@example.net")).isEmpty(); // kept by node B
      Entry e = new Entry("bob@example.net", Kind.BLACKLIST_FROM, "*@spammer.example");
      assertThat(nodeA.add(e)).isTrue();
      long end = System.nanoTime() + 10_000_000_000L;
      while (nodeB.entries("bob@example.net").isEmpty() && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      assertThat(nodeB.entries("bob@example.net")).containsExactly(e);
      assertThat(nodeA.remove(e)).isTrue();
      while (!nodeB.entries("bob@example.net").isEmpty() && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      assertThat(nodeB.entries("bob@example.net")).isEmpty();
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void twoNodesAddingAndRememberingAtOnceAgree() throws Exception {
    Database.Postgres pg = PgCluster.get().freshDatabase().postgres().orElseThrow();
    // two pools of their own, as two processes would have (a distinct URL makes a distinct pool)
    PgDatabase a = PgDatabase.of(pg, 3);
    PgDatabase b = PgDatabase.of(new Database.Postgres(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(),
        "ApplicationName=nodeB"), 3);
    try (SpamListStore nodeA = PgSpamLists.open(a); SpamListStore nodeB = PgSpamLists.open(b);
        ExecutorService threads = Executors.newFixedThreadPool(4)) {
      List<Future<Boolean>> added = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        Entry e = new Entry("bob@example.net", Kind.WHITELIST_FROM, "*@friend" + i + ".example");
        CyclicBarrier together = new CyclicBarrier(2);
        added.add(threads.submit(() -> {
          together.await();
          return nodeA.add(e);
        }));
        added.add(threads.submit(() -> {
          together.await();
          return nodeB.add(e);
        }));
      }
      int firsts = 0;
      for (Future<Boolean> f : added) {
        firsts += f.get() ? 1 : 0;
      }
      assertThat(firsts).as("each entry new to exactly one node").isEqualTo(20);
      assertThat(nodeB.entries("bob@example.net")).hasSize(20);

      // overlapping recipient lists in opposite orders, remembered by both nodes at once
      List<String> forward = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        forward.add("r" + i + "@example.org");
      }
      List<String> backward = new ArrayList<>(forward.reversed());
      Instant t = Instant.parse("2026-12-05T10:00:00Z");
      List<Future<?>> writes = new ArrayList<>();
      for (int round = 0; round < 10; round++) {
        CyclicBarrier together = new CyclicBarrier(2);
        writes.add(threads.submit(() -> {
          together.await();
          nodeA.remember("bob@example.net", forward, t);
          return null;
        }));
        writes.add(threads.submit(() -> {
          together.await();
          nodeB.remember("bob@example.net", backward, t);
          return null;
        }));
      }
      for (Future<?> f : writes) {
        f.get();
      }
      assertThat(nodeA.rememberedCount("bob@example.net")).isEqualTo(50);
      assertThat(nodeB.remembered("bob@example.net", "r49@example.org")).isTrue();
    } finally {
      a.close();
      b.close();
    }
  }
}
