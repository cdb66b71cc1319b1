package dev.postamt.jmap;

import dev.postamt.jmap.json.Json;
import dev.postamt.jmap.json.JsonException;
import dev.postamt.sqlite.SqliteFiles;
import dev.postamt.store.StoreException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The JMAP objects that are not mail (Identity settings, EmailSubmissions) and the thread of each
 * message, in SQLite at {@code data_dir/jmap.db}: the one class holding their SQL. Objects are JSON
 * per (user, type, id) with the per-user, per-type counter that was current when they were created
 * and last changed; a destroyed object stays as a tombstone so that {@code /changes} (RFC 8620 §5.2)
 * can report it.
 *
 * <pre>
 *   objects(user, type, id, json, created, modified, destroyed 0/1)   PK (user, type, id)
 *   counters(user, type, value)                                       PK (user, type)
 *   threads(user, message_id, thread_id)                              PK (user, message_id)
 * </pre>
 */
final class SqliteJmapRecords implements AutoCloseable {
  static final String FILE_NAME = "jmap.db";
  private static final int SCHEMA_VERSION = 1;

  private final Connection db;
  private final ReentrantLock lock = new ReentrantLock();

  /** One stored object. */
  record Stored(String id, Map<String, Object> json) {}

  /** What changed after a counter value. */
  record Changes(List<String> created, List<String> updated, List<String> destroyed, long now) {}

  private SqliteJmapRecords(Connection db) {
    this.db = db;
  }

  static SqliteJmapRecords open(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      return new SqliteJmapRecords(SqliteFiles.open(file, SqliteJmapRecords::migrate));
    } catch (SQLException e) {
      throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  private static void migrate(Connection c) throws SQLException {
    if (SqliteFiles.schemaVersion(c, SCHEMA_VERSION, FILE_NAME) == SCHEMA_VERSION) {
      return;
    }
    try (Statement st = c.createStatement()) {
      st.execute("""
          CREATE TABLE IF NOT EXISTS objects (
            user TEXT NOT NULL, type TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL,
            created INTEGER NOT NULL, modified INTEGER NOT NULL, destroyed INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (user, type, id))""");
      st.execute("CREATE TABLE IF NOT EXISTS counters (user TEXT NOT NULL, type TEXT NOT NULL, value INTEGER NOT NULL,"
          + " PRIMARY KEY (user, type))");
      st.execute("CREATE TABLE IF NOT EXISTS threads (user TEXT NOT NULL, message_id TEXT NOT NULL,"
          + " thread_id TEXT NOT NULL, PRIMARY KEY (user, message_id))");
      st.execute("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  @FunctionalInterface
  private interface Work<T> {
    T run() throws SQLException;
  }

  private <T> T locked(Work<T> w) {
    lock.lock();
    try {
      return w.run();
    } catch (SQLException e) {
      throw new StoreException(StoreException.Kind.SERVERBUG, "jmap.db: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private static String key(String user) {
    return user.toLowerCase(Locale.ROOT);
  }

  /** The counter of {@code type} for the user: the state string of that type is this number. */
  long state(String user, String type) {
    return locked(() -> counter(user, type));
  }

  private long counter(String user, String type) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("SELECT value FROM counters WHERE user = ? AND type = ?")) {
      ps.setString(1, key(user));
      ps.setString(2, type);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  private long bump(String user, String type) throws SQLException {
    long next = counter(user, type) + 1;
    try (PreparedStatement ps = db.prepareStatement(
        "INSERT INTO counters (user, type, value) VALUES (?, ?, ?) ON CONFLICT (user, type) DO UPDATE SET value = excluded.value")) {
      ps.setString(1, key(user));
      ps.setString(2, type);
      ps.setLong(3, next);
      ps.executeUpdate();
    }
    return next;
  }

  /** The objects of a type that exist, in id order. */
  List<Stored> list(String user, String type) {
    return locked(() -> {
      List<Stored> out = new ArrayList<>();
      try (PreparedStatement ps = db.prepareStatement(
          "SELECT id, json FROM objects WHERE user = ? AND type = ? AND destroyed = 0 ORDER BY created, id")) {
        ps.setString(1, key(user));
        ps.setString(2, type);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Stored(rs.getString(1), parse(rs.getString(2))));
          }
        }
      }
      return out;
    });
  }

  Optional<Stored> get(String user, String type, String id) {
    return list(user, type).stream().filter(s -> s.id().equals(id)).findFirst();
  }

  /** Creates or replaces an object; returns the new counter. */
  long put(String user, String type, String id, Map<String, Object> json) {
    return locked(() -> {
      db.setAutoCommit(false);
      try {
        long n = bump(user, type);
        try (PreparedStatement ps = db.prepareStatement("""
            INSERT INTO objects (user, type, id, json, created, modified, destroyed) VALUES (?, ?, ?, ?, ?, ?, 0)
            ON CONFLICT (user, type, id) DO UPDATE SET json = excluded.json, modified = excluded.modified,
              created = CASE WHEN objects.destroyed = 1 THEN excluded.created ELSE objects.created END, destroyed = 0""")) {
          ps.setString(1, key(user));
          ps.setString(2, type);
          ps.setString(3, id);
          ps.setString(4, Json.write(json));
          ps.setLong(5, n);
          ps.setLong(6, n);
          ps.executeUpdate();
        }
        db.commit();
        return n;
      } catch (SQLException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    });
  }

  /** Marks an object destroyed; false when there was none. */
  boolean destroy(String user, String type, String id) {
    return locked(() -> {
      db.setAutoCommit(false);
      try {
        long n = bump(user, type);
        int k;
        try (PreparedStatement ps = db.prepareStatement(
            "UPDATE objects SET destroyed = 1, modified = ? WHERE user = ? AND type = ? AND id = ? AND destroyed = 0")) {
          ps.setLong(1, n);
          ps.setString(2, key(user));
          ps.setString(3, type);
          ps.setString(4, id);
          k = ps.executeUpdate();
        }
        if (k == 0) {
          db.rollback();
          return false;
        }
        db.commit();
        return true;
      } catch (SQLException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    });
  }

  /** What changed after counter value {@code since}; a thing created and destroyed since is left out. */
  Changes changes(String user, String type, long since) {
    return locked(() -> {
      List<String> created = new ArrayList<>();
      List<String> updated = new ArrayList<>();
      List<String> destroyed = new ArrayList<>();
      try (PreparedStatement ps = db.prepareStatement(
          "SELECT id, created, destroyed FROM objects WHERE user = ? AND type = ? AND modified > ? ORDER BY modified")) {
        ps.setString(1, key(user));
        ps.setString(2, type);
        ps.setLong(3, since);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            boolean isNew = rs.getLong(2) > since;
            boolean gone = rs.getInt(3) != 0;
            if (gone) {
              if (!isNew) {
                destroyed.add(rs.getString(1));
              }
            } else {
              (isNew ? created : updated).add(rs.getString(1));
            }
          }
        }
      }
      return new Changes(created, updated, destroyed, counter(user, type));
    });
  }

  // ---- threads

  /** The thread ids already known for any of {@code messageIds}. */
  Map<String, String> threadsOf(String user, List<String> messageIds) {
    return locked(() -> {
      Map<String, String> out = new LinkedHashMap<>();
      try (PreparedStatement ps = db.prepareStatement("SELECT thread_id FROM threads WHERE user = ? AND message_id = ?")) {
        for (String m : messageIds) {
          ps.setString(1, key(user));
          ps.setString(2, m);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              out.put(m, rs.getString(1));
            }
          }
        }
      }
      return out;
    });
  }

  /** Records that {@code messageIds} belong to {@code threadId} (ids already recorded keep theirs). */
  void joinThread(String user, List<String> messageIds, String threadId) {
    locked(() -> {
      try (PreparedStatement ps = db.prepareStatement(
          "INSERT OR IGNORE INTO threads (user, message_id, thread_id) VALUES (?, ?, ?)")) {
        for (String m : messageIds) {
          ps.setString(1, key(user));
          ps.setString(2, m);
          ps.setString(3, threadId);
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String json) throws SQLException {
    try {
      return (Map<String, Object>) Json.parse(json);
    } catch (JsonException | ClassCastException e) {
      throw new SQLException("a stored object is not JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    SqliteFiles.close(db, lock);
  }
}
