package dev.postamt.web.session;

import dev.postamt.postgres.Connections;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;

/** Web sessions and tokens in one SQLite file ({@code data_dir/web/sessions.db}); the SQL is {@link SqlWebSessions}'. */
public final class SqliteWebSessions extends SqlWebSessions {
  public SqliteWebSessions(Path file, Duration idle, Duration maxAge) throws IOException {
    this(file, idle, maxAge, Clock.systemUTC());
  }

  SqliteWebSessions(Path file, Duration idle, Duration maxAge, Clock clock) throws IOException {
    super(open(file), idle, maxAge, clock);
  }

  private static Connections open(Path file) throws IOException {
    try {
      return Connections.sqlite(file, SqlWebSessions::migrateSqlite);
    } catch (SQLException e) {
      throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }
}
