package dev.postamt.web.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteWebSessionsTest implements WebSessionsContract {
  @TempDir Path dir;

  @Override
  public WebSessions fresh(Clock clock) throws IOException {
    return new SqliteWebSessions(dir.resolve("sessions.db"), IDLE, MAX_AGE, clock);
  }

  @Test
  void aVersionOneFileKeepsItsSessionsThroughTheRename() throws Exception {
    Path file = dir.resolve("old.db");
    String hash = SqlWebSessions.hash("the-id");
    long now = System.currentTimeMillis();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
      st.executeUpdate("CREATE TABLE sessions (hash TEXT PRIMARY KEY, address TEXT NOT NULL, csrf TEXT NOT NULL,"
          + " created INTEGER NOT NULL, seen INTEGER NOT NULL, expires INTEGER NOT NULL)");
      st.executeUpdate("CREATE TABLE tokens (id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, address TEXT NOT NULL,"
          + " name TEXT NOT NULL, created INTEGER NOT NULL, last_used INTEGER, expires INTEGER)");
      st.executeUpdate("INSERT INTO sessions VALUES ('" + hash + "', 'alice@example.org', 'csrf', " + now + ", " + now
          + ", " + (now + 3_600_000) + ")");
      st.executeUpdate("PRAGMA user_version = 1");
    }
    try (WebSessions s = new SqliteWebSessions(file, IDLE, MAX_AGE)) {
      assertThat(s.find("the-id")).map(WebSessions.Session::address).contains("alice@example.org");
    }
  }
}
