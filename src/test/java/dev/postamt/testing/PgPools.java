package dev.postamt.testing;

import dev.postamt.postgres.PgDatabase;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL pools one test opened, each on a fresh database of {@link PgCluster}; closed after the
 * test ({@code @AfterEach void close() { pools.close(); }}) so that a long suite does not pile up
 * connections.
 */
public final class PgPools implements AutoCloseable {
  private final List<PgDatabase> opened = new ArrayList<>();

  /** A pool on a new, empty database (skips the test when PostgreSQL cannot start). */
  public synchronized PgDatabase fresh() {
    PgDatabase db = PgDatabase.of(PgCluster.get().freshDatabase());
    opened.add(db);
    return db;
  }

  @Override
  public synchronized void close() {
    opened.forEach(PgDatabase::close);
    opened.clear();
  }
}
