package dev.postamt.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.PgPools;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link CachedReads}: kept until a change made here or heard of from another node (skipped without PostgreSQL). */
class CachedReadsTest {
  private final PgPools pools = new PgPools();

  @AfterEach
  void close() {
    pools.close();
  }

  @Test
  void keptUntilThisProcessChangesIt() throws Exception {
    PgDatabase db = pools.fresh();
    CachedReads<String> cache = CachedReads.of(db, "postamt_test_local");
    listening(db, "postamt_test_local"); // else the LISTEN's own move of the count may drop the first entry
    AtomicInteger loads = new AtomicInteger();
    assertThat(cache.get("k", () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
    assertThat(cache.get("k", () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
    assertThat(cache.get("other", () -> "w" + loads.incrementAndGet())).isEqualTo("w2");
    // another cache of the same channel and pool (another owner instance in this process) changes it
    CachedReads.<String>of(db, "postamt_test_local").changed();
    assertThat(cache.get("k", () -> "v" + loads.incrementAndGet())).isEqualTo("v3");
  }

  @Test
  void aFailedReadIsNotKept() {
    PgDatabase db = pools.fresh();
    CachedReads<String> cache = CachedReads.of(db, "postamt_test_fail");
    try {
      cache.get("k", () -> {
        throw new java.io.IOException("down");
      });
    } catch (java.io.IOException expected) {
      // the read failed
    }
    assertThat(cache.get("k", () -> "read")).isEqualTo("read");
  }

  @Test
  void aNotificationFromAnotherNodeDropsWhatIsKept() throws Exception {
    PgDatabase db = pools.fresh();
    CachedReads<Integer> cache = CachedReads.of(db, "postamt_test_remote");
    AtomicInteger loads = new AtomicInteger();
    listening(db, "postamt_test_remote");
    cache.get("k", loads::incrementAndGet);
    int before = loads.get();
    assertThat(cache.get("k", loads::incrementAndGet)).as("kept").isEqualTo(before);
    // another node's write: its transaction notifies, and this process did not call changed()
    try (Connection other = db.openDirect(); Statement st = other.createStatement()) {
      st.execute("NOTIFY postamt_test_remote");
    }
    long end = System.nanoTime() + 10_000_000_000L;
    while (cache.get("k", loads::incrementAndGet) == before && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(loads.get()).as("read again after the notification").isEqualTo(before + 1);
  }

  @Test
  void noneKeepsNothing() {
    CachedReads<Integer> cache = CachedReads.none();
    AtomicInteger loads = new AtomicInteger();
    cache.get("k", loads::incrementAndGet);
    cache.get("k", loads::incrementAndGet);
    assertThat(loads.get()).isEqualTo(2);
  }

  @Test
  void onSqliteKeptUntilTheFileOrThisConnectionChanges(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("t.db");
    try (Connections db = Connections.sqlite(file, c -> {
      try (Statement st = c.createStatement()) {
        st.execute("CREATE TABLE IF NOT EXISTS t(v INTEGER)");
      }
    })) {
      CachedReads<Integer> cache = db.cachedReads("postamt_test");
      AtomicInteger loads = new AtomicInteger();
      assertThat(cache.get("k", loads::incrementAndGet)).isEqualTo(1);
      assertThat(cache.get("k", loads::incrementAndGet)).as("kept").isEqualTo(1);
      // another connection (the CLI) commits: data_version moves
      try (Connection other = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = other.createStatement()) {
        st.execute("INSERT INTO t VALUES (1)");
      }
      assertThat(cache.get("k", loads::incrementAndGet)).as("read again after another connection's commit").isEqualTo(2);
      assertThat(cache.get("k", loads::incrementAndGet)).isEqualTo(2);
      // a write through this connection does not move data_version: its owner says so
      db.transaction(c -> {
        try (Statement st = c.createStatement()) {
          st.execute("INSERT INTO t VALUES (2)");
        }
        return null;
      });
      cache.changed();
      assertThat(cache.get("k", loads::incrementAndGet)).as("read again after changed()").isEqualTo(3);
    }
  }

  /** Waits until the listening connection's LISTEN on {@code channel} has moved its count (it does so once). */
  private static void listening(PgDatabase db, String channel) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (db.changeCount(channel).get() == 0 && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(db.changeCount(channel).get()).as("listening").isPositive();
  }
}
