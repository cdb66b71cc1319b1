package dev.postamt.sieve.store;

import dev.postamt.postgres.Connections;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.sieve.store.SieveStoreException.Kind;
import java.util.List;

/** Users' Sieve scripts in PostgreSQL, shared by every node; the SQL is {@link SqlSieveScripts}'. */
public final class PgSieveScripts extends SqlSieveScripts {
  private PgSieveScripts(Connections db, Limits limits) {
    super(db, limits);
  }

  /** The scripts in {@code db}, their tables created or upgraded first. */
  public static PgSieveScripts open(PgDatabase db, Limits limits) throws SieveStoreException {
    try {
      return new PgSieveScripts(Connections.postgres(db, "sieve_scripts", List.of(String.join(";\n", SCHEMA))), limits);
    } catch (PgDatabase.Failure e) {
      throw new SieveStoreException(Kind.STORAGE, e.getMessage(), e);
    }
  }
}
