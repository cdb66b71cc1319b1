package dev.postamt.web.session;

import dev.postamt.postgres.Connections;
import dev.postamt.postgres.PgDatabase;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * Web sessions and tokens in PostgreSQL, so that a login on one node is valid on every node behind the
 * same name; the SQL is {@link SqlWebSessions}'.
 */
public final class PgWebSessions extends SqlWebSessions {
  public PgWebSessions(PgDatabase db, Duration idle, Duration maxAge) throws IOException {
    this(db, idle, maxAge, Clock.systemUTC());
  }

  PgWebSessions(PgDatabase db, Duration idle, Duration maxAge, Clock clock) throws IOException {
    super(open(db), idle, maxAge, clock);
  }

  private static Connections open(PgDatabase db) throws IOException {
    try {
      return Connections.postgres(db, "web_sessions", POSTGRES_SCHEMA);
    } catch (PgDatabase.Failure e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
