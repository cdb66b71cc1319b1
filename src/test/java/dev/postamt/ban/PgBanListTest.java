package dev.postamt.ban;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgPools;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ban list contract on PostgreSQL (a throwaway cluster; skipped when PostgreSQL cannot start). */
class PgBanListTest implements BanListContract {
  private final PgPools pools = new PgPools();

  @Override
  public BanList fresh() {
    return PgBanList.open(pools.fresh());
  }

  @AfterEach
  void close() {
    pools.close();
  }

  @Test
  void aBanAddedOnOneNodeIsEnforcedByAnotherWithinASecond() throws Exception {
    dev.postamt.config.Database target = dev.postamt.testing.PgCluster.get().freshDatabase();
    dev.postamt.config.Database.Postgres pg = target.postgres().orElseThrow();
    // two pools of their own, as two processes would have (a distinct URL makes a distinct pool)
    PgDatabase a = PgDatabase.of(pg, 2);
    PgDatabase b = PgDatabase.of(new dev.postamt.config.Database.Postgres(pg.host(), pg.port(), pg.database(), pg.user(),
        pg.password(), "ApplicationName=nodeB"), 2);
    try {
      dev.postamt.config.Ban config = dev.postamt.config.Config.defaults().ban();
      Bans nodeA = new Bans(PgBanList.open(a), config, java.util.List.of(), java.time.Clock.systemUTC());
      Bans nodeB = new Bans(PgBanList.open(b), config, java.util.List.of(), java.time.Clock.systemUTC());
      java.net.InetAddress client = java.net.InetAddress.getByName("192.0.2.77");
      assertThat(nodeB.banned(client)).isEmpty();
      nodeA.add("192.0.2.77", Optional.of(java.time.Duration.ofHours(1)), "test");
      long deadline = System.nanoTime() + 1_000_000_000L;
      while (nodeB.banned(client).isEmpty() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
        Thread.yield();
      }
      assertThat(nodeB.banned(client)).as("node B refuses the client within a second").isPresent();
      nodeA.remove("192.0.2.77");
      deadline = System.nanoTime() + 1_000_000_000L;
      while (nodeB.banned(client).isPresent() && System.nanoTime() < deadline) {
        Thread.yield();
      }
      assertThat(nodeB.banned(client)).as("and lets it in again once lifted").isEmpty();
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void twoNodesShareOneList() {
    PgDatabase db = pools.fresh();
    BanList.Entry e = new BanList.Entry("192.0.2.9", T0, Optional.of(T0.plusSeconds(60)), "x", 2);
    try (BanList nodeA = PgBanList.open(db); BanList nodeB = PgBanList.open(db)) {
      nodeA.put(e);
      assertThat(nodeB.all()).containsExactly(e);
    }
  }
}
