package dev.postamt.sieve.store;

import dev.postamt.postgres.Connections;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.sieve.store.SieveStoreException.Kind;
import java.util.List;

/** Users' vacation auto-replies in PostgreSQL, shared by every node; the SQL is {@link SqlVacations}'. */
public final class PgVacations extends SqlVacations {
  private PgVacations(Connections db) {
    super(db);
  }

  /** The vacations in {@code db}, their table created first. */
  public static PgVacations open(PgDatabase db) throws SieveStoreException {
    try {
      return new PgVacations(Connections.postgres(db, "vacations", List.of(TABLE)));
    } catch (PgDatabase.Failure e) {
      throw new SieveStoreException(Kind.STORAGE, e.getMessage(), e);
    }
  }
}
