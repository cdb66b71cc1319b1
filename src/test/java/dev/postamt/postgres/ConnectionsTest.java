package dev.postamt.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.sqlite.SqliteFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Connections#sqliteOnDemand}: checked at once, opened at the first use, closed when unused. */
class ConnectionsTest {
  @TempDir Path dir;

  private static void migrate(Connection c) throws SQLException {
    int version = SqliteFiles.schemaVersion(c, 1, "test state");
    if (version < 1) {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE t(k TEXT PRIMARY KEY, v TEXT NOT NULL)");
        s.executeUpdate("PRAGMA user_version = 1");
      }
    }
  }

  private static int userVersion(Path file) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("PRAGMA user_version")) {
      return r.next() ? r.getInt(1) : -1;
    }
  }

  private static String read(Connections db, String key) throws SQLException {
    return db.with(c -> {
      try (var p = c.prepareStatement("SELECT v FROM t WHERE k = ?")) {
        p.setString(1, key);
        try (ResultSet r = p.executeQuery()) {
          return r.next() ? r.getString(1) : null;
        }
      }
    });
  }

  private static void write(Connections db, String key, String value) throws SQLException {
    db.transaction(c -> {
      try (var p = c.prepareStatement("INSERT INTO t(k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v")) {
        p.setString(1, key);
        p.setString(2, value);
        return p.executeUpdate();
      }
    });
  }

  @Test
  void theFileIsMadeAndMigratedAtOnceButNoConnectionIsHeldUntilTheFirstUse() throws Exception {
    Path file = dir.resolve("sub").resolve("state.db");
    try (Connections db = Connections.sqliteOnDemand(file, ConnectionsTest::migrate)) {
      assertThat(userVersion(file)).isEqualTo(1);
      Connections.Sqlite s = (Connections.Sqlite) db;
      assertThat(s.isOpen()).isFalse();
      write(db, "a", "1");
      assertThat(s.isOpen()).isTrue();
      assertThat(read(db, "a")).isEqualTo("1");
    }
  }

  @Test
  void aFileFromANewerBuildStopsTheOpeningAtOnce() throws Exception {
    Path file = dir.resolve("newer.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.executeUpdate("PRAGMA user_version = 7");
    }
    assertThatThrownBy(() -> Connections.sqliteOnDemand(file, ConnectionsTest::migrate))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("newer than this build knows");
  }

  @Test
  void anUnusedConnectionIsClosedAndTheNextUseOpensItAgain() throws Exception {
    try (Connections db = Connections.sqliteOnDemand(dir.resolve("state.db"), ConnectionsTest::migrate)) {
      Connections.Sqlite s = (Connections.Sqlite) db;
      write(db, "a", "1");
      s.closeIfIdle(System.nanoTime(), Connections.IdleClose.IDLE.toNanos());
      assertThat(s.isOpen()).as("used just now").isTrue();
      s.closeIfIdle(System.nanoTime() + Connections.IdleClose.IDLE.toNanos(), Connections.IdleClose.IDLE.toNanos());
      assertThat(s.isOpen()).as("unused for the idle time").isFalse();
      assertThat(read(db, "a")).isEqualTo("1");
      assertThat(s.isOpen()).isTrue();
    }
  }

  @Test
  void readsCachedBeforeTheConnectionClosedAreNotTrustedAfterItReopens() throws Exception {
    Path file = dir.resolve("state.db");
    try (Connections db = Connections.sqliteOnDemand(file, ConnectionsTest::migrate)) {
      Connections.Sqlite s = (Connections.Sqlite) db;
      CachedReads<String> cache = db.cachedReads("test");
      AtomicInteger loads = new AtomicInteger();
      assertThat(cache.get("a", () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
      assertThat(cache.get("a", () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
      s.closeIfIdle(System.nanoTime() + Connections.IdleClose.IDLE.toNanos(), Connections.IdleClose.IDLE.toNanos());
      // another process changes the file while no connection of ours is open: data_version cannot tell
      try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = other.createStatement()) {
        st.executeUpdate("INSERT INTO t(k, v) VALUES ('a', 'changed')");
      }
      assertThat(cache.get("a", () -> "v" + loads.incrementAndGet())).isEqualTo("v2");
    }
  }

  @Test
  void aClosedOneRefusesWorkWithAnError() throws Exception {
    Connections db = Connections.sqliteOnDemand(dir.resolve("state.db"), ConnectionsTest::migrate);
    write(db, "a", "1");
    db.close();
    assertThatThrownBy(() -> read(db, "a")).isInstanceOf(SQLException.class).hasMessageContaining("closed");
    Connections never = Connections.sqliteOnDemand(dir.resolve("other.db"), ConnectionsTest::migrate);
    never.close();
    assertThatThrownBy(() -> read(never, "a")).isInstanceOf(SQLException.class).hasMessageContaining("closed");
    assertThat(Files.exists(dir.resolve("other.db"))).isTrue();
  }
}
