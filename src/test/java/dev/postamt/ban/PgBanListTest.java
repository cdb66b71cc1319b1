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
  void twoNodesShareOneList() {
    PgDatabase db = pools.fresh();
    BanList.Entry e = new BanList.Entry("192.0.2.9", T0, Optional.of(T0.plusSeconds(60)), "x", 2);
    try (BanList nodeA = PgBanList.open(db); BanList nodeB = PgBanList.open(db)) {
      nodeA.put(e);
      assertThat(nodeB.all()).containsExactly(e);
    }
  }
}
