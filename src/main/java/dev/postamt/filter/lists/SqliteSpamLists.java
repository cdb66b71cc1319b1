package dev.postamt.filter.lists;

import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lists in {@code data_dir/spamlists.db}: SQLite in WAL mode, one connection shared under a lock,
 * the only class with their SQL. A scan costs two primary-key lookups (the user's entries with the
 * global ones, and the automatic whitelist for the From address).
 *
 * <pre>
 * entry(user TEXT, kind TEXT, pattern TEXT, PRIMARY KEY(user, kind, pattern))   -- user "" = global
 * written(user TEXT, address TEXT, last INTEGER, PRIMARY KEY(user, address))    -- epoch seconds
 * </pre>
 */
public final class SqliteSpamLists implements SpamListStore {
  public static final String FILE_NAME = "spamlists.db";
  private static final int SCHEMA_VERSION = 1;

  private final Connection db;
  private final ReentrantLock lock = new ReentrantLock();
  /** The read of every scan, compiled once (used under {@link #lock}; closed with the connection). */
  private PreparedStatement entriesRead;

  private SqliteSpamLists(Connection db) {
    this.db = db;
  }

  /** Opens (creating when missing) {@code dataDir/spamlists.db}. */
  public static SqliteSpamLists open(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      return new SqliteSpamLists(SqliteFiles.open(file, SqliteSpamLists::migrate));
    } catch (SQLException e) {
      throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  private static void migrate(Connection c) throws SQLException {
    if (SqliteFiles.schemaVersion(c, SCHEMA_VERSION, FILE_NAME) == SCHEMA_VERSION) {
      return;
    }
    try (Statement st = c.createStatement()) {
      st.executeUpdate("CREATE TABLE IF NOT EXISTS entry(user TEXT NOT NULL, kind TEXT NOT NULL, pattern TEXT NOT NULL,"
          + " PRIMARY KEY(user, kind, pattern)) WITHOUT ROWID");
      st.executeUpdate("CREATE TABLE IF NOT EXISTS written(user TEXT NOT NULL, address TEXT NOT NULL, last INTEGER NOT NULL,"
          + " PRIMARY KEY(user, address)) WITHOUT ROWID");
      st.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  @Override
  public List<Entry> entries(String user) throws IOException {
    lock.lock();
    try {
      if (entriesRead == null) {
        entriesRead = db.prepareStatement(
            "SELECT user, kind, pattern FROM entry WHERE user = '' OR user = ? ORDER BY user, kind, pattern");
      }
      PreparedStatement ps = entriesRead;
      ps.setString(1, user == null ? "" : user);
      try (ResultSet rs = ps.executeQuery()) {
        return EntryRows.read(rs);
      }
    } catch (SQLException e) {
      throw failure("read", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean add(Entry entry) throws IOException {
    return change("INSERT OR IGNORE INTO entry(user, kind, pattern) VALUES (?, ?, ?)", entry) == 1;
  }

  @Override
  public boolean remove(Entry entry) throws IOException {
    return change("DELETE FROM entry WHERE user = ? AND kind = ? AND pattern = ?", entry) == 1;
  }

  private int change(String sql, Entry entry) throws IOException {
    lock.lock();
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      ps.setString(1, entry.user());
      ps.setString(2, entry.kind().name());
      ps.setString(3, entry.pattern());
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("change", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void remember(String user, List<String> addresses, Instant when) throws IOException {
    if (addresses.isEmpty()) {
      return;
    }
    lock.lock();
    try {
      db.setAutoCommit(false);
      try (PreparedStatement ps = db.prepareStatement("INSERT INTO written(user, address, last) VALUES (?, ?, ?)"
          + " ON CONFLICT(user, address) DO UPDATE SET last = excluded.last")) {
        for (String a : addresses) {
          ps.setString(1, user);
          ps.setString(2, a);
          ps.setLong(3, when.getEpochSecond());
          ps.addBatch();
        }
        ps.executeBatch();
        db.commit();
      } catch (SQLException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure("remember recipients in", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean remembered(String user, String address) throws IOException {
    lock.lock();
    try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM written WHERE user = ? AND address = ?")) {
      ps.setString(1, user);
      ps.setString(2, address);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw failure("read", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int rememberedCount(String user) throws IOException {
    lock.lock();
    try (PreparedStatement ps = db.prepareStatement("SELECT count(*) FROM written WHERE user = ?")) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    } catch (SQLException e) {
      throw failure("read", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    SqliteFiles.close(db, lock);
  }

  private static IOException failure(String what, SQLException e) {
    return new IOException("cannot " + what + " " + FILE_NAME + ": " + e.getMessage(), e);
  }
}
