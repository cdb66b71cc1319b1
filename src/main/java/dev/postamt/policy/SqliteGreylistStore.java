package dev.postamt.policy;

import java.nio.file.Files;
import java.nio.file.Path;
import dev.postamt.sqlite.SqliteFiles;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The greylist in {@code data_dir/greylist.db}: SQLite in WAL mode, one connection shared under a
 * lock. Each RCPT costs one statement of two primary-key lookups ({@link #lookup}) and, when it
 * changes anything, one small write. Times are epoch seconds.
 *
 * <pre>
 * triplet(key TEXT PRIMARY KEY, first_seen, last_seen, passed)   -- WITHOUT ROWID
 * client(network TEXT PRIMARY KEY, passes, last_seen)             -- WITHOUT ROWID
 * </pre>
 */
public final class SqliteGreylistStore implements GreylistStore {
  public static final String FILE_NAME = "greylist.db";
  private static final int SCHEMA_VERSION = 1;

  private final Path file;
  private final Connection db;
  private final ReentrantLock lock = new ReentrantLock();

  private SqliteGreylistStore(Path file, Connection db) {
    this.file = file;
    this.db = db;
  }

  /** Opens (creating when missing) {@code dataDir/greylist.db}. */
  public static SqliteGreylistStore open(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      return new SqliteGreylistStore(file, SqliteFiles.open(file, SqliteGreylistStore::migrate));
    } catch (SQLException | java.io.IOException e) {
      throw new Failure("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens an existing {@code greylist.db} read-only ({@code postamt check policy} must not create
   * entries); empty when there is none yet.
   */
  public static Optional<SqliteGreylistStore> openReadOnly(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setReadOnly(true);
    cfg.setBusyTimeout(5000);
    try {
      return Optional.of(new SqliteGreylistStore(file, cfg.createConnection("jdbc:sqlite:" + file)));
    } catch (SQLException e) {
      throw new Failure("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  private static void migrate(Connection c) throws SQLException {
    if (SqliteFiles.schemaVersion(c, SCHEMA_VERSION, "greylist.db") == SCHEMA_VERSION) {
      return;
    }
    try (Statement st = c.createStatement()) {
      st.executeUpdate(
          "CREATE TABLE IF NOT EXISTS triplet(key TEXT PRIMARY KEY, first_seen INTEGER NOT NULL,"
              + " last_seen INTEGER NOT NULL, passed INTEGER NOT NULL) WITHOUT ROWID");
      st.executeUpdate(
          "CREATE TABLE IF NOT EXISTS client(network TEXT PRIMARY KEY, passes INTEGER NOT NULL,"
              + " last_seen INTEGER NOT NULL) WITHOUT ROWID");
      st.executeUpdate("CREATE INDEX IF NOT EXISTS triplet_last_seen ON triplet(last_seen)");
      st.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  @Override
  public Lookup lookup(String triplet, String client) {
    lock.lock();
    try (PreparedStatement ps =
        db.prepareStatement(
            "SELECT (SELECT passes FROM client WHERE network = ?), t.first_seen, t.last_seen, t.passed"
                + " FROM (SELECT 1) LEFT JOIN triplet t ON t.key = ?")) {
      ps.setString(1, client);
      ps.setString(2, triplet);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        int passes = rs.getInt(1);
        long first = rs.getLong(2);
        Optional<Entry> e =
            rs.wasNull()
                ? Optional.empty()
                : Optional.of(new Entry(Instant.ofEpochSecond(first), Instant.ofEpochSecond(rs.getLong(3)), rs.getInt(4) != 0));
        return new Lookup(e, passes);
      }
    } catch (SQLException e) {
      throw failure("look up", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void start(String triplet, Instant now) {
    update(
        "INSERT INTO triplet(key, first_seen, last_seen, passed) VALUES (?1, ?2, ?2, 0)"
            + " ON CONFLICT(key) DO UPDATE SET first_seen = ?2, last_seen = ?2, passed = 0",
        triplet,
        now.getEpochSecond());
  }

  @Override
  public void touch(String triplet, Instant now) {
    update("UPDATE triplet SET last_seen = ?2 WHERE key = ?1", triplet, now.getEpochSecond());
  }

  @Override
  public boolean pass(String triplet, String client, Instant now) {
    lock.lock();
    try {
      db.setAutoCommit(false);
      try {
        int first = run("UPDATE triplet SET passed = 1, last_seen = ?2 WHERE key = ?1 AND passed = 0", triplet, now.getEpochSecond());
        if (first == 0) {
          int known = run("UPDATE triplet SET last_seen = ?2 WHERE key = ?1", triplet, now.getEpochSecond());
          if (known == 0) {
            run("INSERT INTO triplet(key, first_seen, last_seen, passed) VALUES (?1, ?2, ?2, 1)", triplet, now.getEpochSecond());
          }
        }
        if (first == 1) {
          run("INSERT INTO client(network, passes, last_seen) VALUES (?1, 1, ?2)"
              + " ON CONFLICT(network) DO UPDATE SET passes = passes + 1, last_seen = ?2", client, now.getEpochSecond());
        }
        db.commit();
        return first == 1;
      } catch (SQLException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure("record a pass in", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void seenClient(String client, Instant now) {
    update("UPDATE client SET last_seen = ?2 WHERE network = ?1", client, now.getEpochSecond());
  }

  @Override
  public int purge(Instant unusedSince) {
    lock.lock();
    try (PreparedStatement t = db.prepareStatement("DELETE FROM triplet WHERE last_seen < ?");
        PreparedStatement c = db.prepareStatement("DELETE FROM client WHERE last_seen < ?")) {
      t.setLong(1, unusedSince.getEpochSecond());
      c.setLong(1, unusedSince.getEpochSecond());
      return t.executeUpdate() + c.executeUpdate();
    } catch (SQLException e) {
      throw failure("expire entries of", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public java.util.List<Triplet> list(int limit) {
    lock.lock();
    try (PreparedStatement ps = db.prepareStatement(
        "SELECT key, first_seen, last_seen, passed FROM triplet ORDER BY last_seen DESC, key LIMIT ?")) {
      ps.setInt(1, limit);
      java.util.List<Triplet> out = new java.util.ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Triplet(rs.getString(1), new Entry(Instant.ofEpochSecond(rs.getLong(2)),
              Instant.ofEpochSecond(rs.getLong(3)), rs.getInt(4) != 0)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("list", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean remove(String triplet) {
    lock.lock();
    try (PreparedStatement ps = db.prepareStatement("DELETE FROM triplet WHERE key = ?")) {
      ps.setString(1, triplet);
      return ps.executeUpdate() > 0;
    } catch (SQLException e) {
      throw failure("remove a triplet of", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    closeQuietly(db);
  }

  private void update(String sql, String key, long time) {
    lock.lock();
    try {
      run(sql, key, time);
    } catch (SQLException e) {
      throw failure("update", e);
    } finally {
      lock.unlock();
    }
  }

  private int run(String sql, String key, long time) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      ps.setString(1, key);
      ps.setLong(2, time);
      return ps.executeUpdate();
    }
  }

  private Failure failure(String what, SQLException e) {
    return new Failure("cannot " + what + " " + file + ": " + e.getMessage(), e);
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing after a failure: the first error is the one reported
      }
    }
  }
}
