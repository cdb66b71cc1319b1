package dev.postamt.testing;

import dev.postamt.config.Database;
import dev.postamt.postgres.PgDatabase;

/**
 * Two pools of their own on one fresh database of {@link PgCluster}, as two nodes (two processes) would have
 * (a distinct URL makes a distinct pool); closed together. Skips the test when PostgreSQL cannot start.
 */
public final class PgNodes implements AutoCloseable {
  public final PgDatabase a;
  public final PgDatabase b;

  public PgNodes() {
    Database.Postgres pg = PgCluster.get().freshDatabase().postgres().orElseThrow();
    a = PgDatabase.of(pg, 4);
    b = PgDatabase.of(new Database.Postgres(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(),
        "ApplicationName=nodeB"), 4);
  }

  @Override
  public void close() {
    a.close();
    b.close();
  }
}
