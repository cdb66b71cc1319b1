package dev.postamt.ban;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Database;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ban list contract on PostgreSQL (a throwaway cluster; skipped when PostgreSQL cannot start). */
class PgBanListTest implements BanListContract {
  private final List<PgDatabase> opened = new ArrayList<>();

  @Override
  public BanList fresh() {
    PgDatabase db = PgDatabase.of(PgCluster.get().freshDatabase());
    opened.add(db);
    return PgBanList.open(db);
  }

  @AfterEach
  void closePools() {
    opened.forEach(PgDatabase::close);
  }

  @Test
  void twoNodesShareOneListAndOpeningAgainMigratesNothing() {
    Database target = PgCluster.get().freshDatabase();
    PgDatabase db = PgDatabase.of(target);
    opened.add(db);
    BanList.Entry e = new BanList.Entry("192.0.2.9", T0, Optional.of(T0.plusSeconds(60)), "x", 2);
    try (BanList nodeA = PgBanList.open(db); BanList nodeB = PgBanList.open(db)) {
      nodeA.put(e);
      assertThat(nodeB.all()).containsExactly(e);
    }
  }
}
