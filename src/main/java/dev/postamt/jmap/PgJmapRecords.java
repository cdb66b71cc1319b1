package dev.postamt.jmap;

import dev.postamt.postgres.Connections;
import dev.postamt.postgres.PgDatabase;

/**
 * {@link JmapRecords} in PostgreSQL, shared by every node: tables {@code jmap_objects}, {@code
 * jmap_counters}, {@code jmap_threads}; the SQL is {@link SqlJmapRecords}'.
 */
public final class PgJmapRecords extends SqlJmapRecords {
  /** The owner name in {@code postamt_schema}. */
  static final String OWNER = "jmap_records";

  private PgJmapRecords(Connections db) {
    super(db, "jmap_");
  }

  /** The records in {@code db}, their tables created or upgraded first. */
  public static PgJmapRecords open(PgDatabase db) {
    return new PgJmapRecords(Connections.postgres(db, OWNER, java.util.List.of(String.join(";\n", schema("jmap_")))));
  }
}
