package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Database;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgCluster;
import dev.postamt.testing.PgPools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shares contract on PostgreSQL (a throwaway cluster; skipped when PostgreSQL cannot start). */
class PgSharesTest implements SharesContract {
  private final PgPools pools = new PgPools();

  @Override
  public Shares fresh() {
    return PgShares.open(pools.fresh());
  }

  @AfterEach
  void close() {
    pools.close();
  }

  @Test
  void aGrantMadeOnOneNodeIsSeenByAnother() {
    Database.Postgres pg = PgCluster.get().freshDatabase().postgres().orElseThrow();
    PgDatabase a = PgDatabase.of(pg, 2);
    PgDatabase b = PgDatabase.of(new Database.Postgres(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(),
        "ApplicationName=nodeB"), 2);
    try {
      Shares nodeA = PgShares.open(a);
      Shares nodeB = PgShares.open(b);
      nodeA.grant("a@x.test", "Team", "b@x.test", Rights.parse("lr"));
      nodeA.allowSendAs("team@x.test", "b@x.test", true);
      assertThat(nodeB.rightsOf("b@x.test", "a@x.test", "Team").letters()).isEqualTo("lr");
      assertThat(nodeB.maySendAs("b@x.test", "team@x.test")).isTrue();
      nodeB.renamed("a@x.test", "Team", "Crew");
      assertThat(nodeA.acl("a@x.test", "Crew")).containsOnlyKeys("b@x.test");
    } finally {
      a.close();
      b.close();
    }
  }
}
