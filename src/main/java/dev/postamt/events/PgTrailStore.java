package dev.postamt.events;

import dev.postamt.postgres.Connections;
import dev.postamt.postgres.PgDatabase;
import java.util.List;

/**
 * The trail in PostgreSQL, tables {@code trail} and {@code trail_address}, written by every node and read by
 * {@code postamt trace} and the console on any of them; the SQL is {@link SqlTrailStore}'.
 */
public final class PgTrailStore extends SqlTrailStore {
  static final String OWNER = "trail";

  private PgTrailStore(Connections db) {
    super(db);
  }

  /** The trail in {@code db}, its tables created or upgraded first. */
  public static PgTrailStore open(PgDatabase db) throws Failure {
    try {
      return new PgTrailStore(Connections.postgres(db, OWNER, List.of(String.join(";\n", schema(true)))));
    } catch (PgDatabase.Failure e) {
      throw new Failure(e.getMessage(), e);
    }
  }
}
