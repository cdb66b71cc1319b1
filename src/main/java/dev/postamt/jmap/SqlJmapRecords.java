package dev.postamt.jmap;

import dev.postamt.jmap.json.Json;
import dev.postamt.jmap.json.JsonException;
import dev.postamt.postgres.Connections;
import dev.postamt.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one class holding the SQL of {@link JmapRecords}, on SQLite ({@link SqliteJmapRecords}) or PostgreSQL
 * ({@link PgJmapRecords}). The tables are the same on both but for their names (PostgreSQL's carry the prefix
 * {@code jmap_}, as one database holds every kind of state); the column {@code "user"} is quoted, a word
 * PostgreSQL reserves.
 *
 * <pre>
 *   objects(user, type, id, json, created, modified, destroyed 0/1)   PK (user, type, id)
 *   counters(user, type, value)                                       PK (user, type)
 *   threads(user, message_id, thread_id)                              PK (user, message_id)
 * </pre>
 *
 * <p>Several nodes: a change bumps the counter with one {@code INSERT … ON CONFLICT DO UPDATE SET value =
 * value + 1}, whose row lock is held until the change commits, so two nodes never hand out one counter value
 * and changes become visible in counter order ({@code /changes} misses none).
 */
class SqlJmapRecords implements JmapRecords {
  private final Connections db;
  private final String objects;
  private final String counters;
  private final String threads;

  SqlJmapRecords(Connections db, String prefix) {
    this.db = db;
    this.objects = prefix + "objects";
    this.counters = prefix + "counters";
    this.threads = prefix + "threads";
  }

  /** The tables, named with {@code prefix}. */
  static List<String> schema(String prefix) {
    return List.of(
        "CREATE TABLE IF NOT EXISTS " + prefix + "objects (\"user\" TEXT NOT NULL, type TEXT NOT NULL, id TEXT NOT NULL,"
            + " json TEXT NOT NULL, created BIGINT NOT NULL, modified BIGINT NOT NULL,"
            + " destroyed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (\"user\", type, id))",
        "CREATE TABLE IF NOT EXISTS " + prefix + "counters (\"user\" TEXT NOT NULL, type TEXT NOT NULL,"
            + " value BIGINT NOT NULL, PRIMARY KEY (\"user\", type))",
        "CREATE TABLE IF NOT EXISTS " + prefix + "threads (\"user\" TEXT NOT NULL, message_id TEXT NOT NULL,"
            + " thread_id TEXT NOT NULL, PRIMARY KEY (\"user\", message_id))");
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T read(Work<T> w) {
    try {
      return db.with(w::run);
    } catch (SQLException e) {
      throw fault(e);
    }
  }

  private <T> T write(Work<T> w) {
    try {
      return db.transaction(w::run);
    } catch (SQLException e) {
      throw fault(e);
    }
  }

  private StoreException fault(SQLException e) {
    return new StoreException(StoreException.Kind.SERVERBUG, db.display() + ": " + e.getMessage(), e);
  }

  private static String key(String user) {
    return user.toLowerCase(Locale.ROOT);
  }

  @Override
  public long state(String user, String type) {
    return read(c -> counter(c, user, type));
  }

  private long counter(Connection c, String user, String type) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT value FROM " + counters + " WHERE \"user\" = ? AND type = ?")) {
      ps.setString(1, key(user));
      ps.setString(2, type);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /** The next counter value, the row locked until the caller's transaction ends. */
  private long bump(Connection c, String user, String type) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + counters + " (\"user\", type, value) VALUES (?, ?, 1)"
        + " ON CONFLICT (\"user\", type) DO UPDATE SET value = " + counters + ".value + 1")) {
      ps.setString(1, key(user));
      ps.setString(2, type);
      ps.executeUpdate();
    }
    return counter(c, user, type);
  }

  @Override
  public List<Stored> list(String user, String type) {
    return read(c -> {
      List<Stored> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT id, json FROM " + objects + " WHERE \"user\" = ? AND type = ? AND destroyed = 0 ORDER BY created, id")) {
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

  @Override
  public Optional<Stored> get(String user, String type, String id) {
    return read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT id, json FROM " + objects + " WHERE \"user\" = ? AND type = ? AND id = ? AND destroyed = 0")) {
        ps.setString(1, key(user));
        ps.setString(2, type);
        ps.setString(3, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new Stored(rs.getString(1), parse(rs.getString(2)))) : Optional.<Stored>empty();
        }
      }
    });
  }

  @Override
  public long put(String user, String type, String id, Map<String, Object> json) {
    return write(c -> {
      long n = bump(c, user, type);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + objects
          + " (\"user\", type, id, json, created, modified, destroyed) VALUES (?, ?, ?, ?, ?, ?, 0)"
          + " ON CONFLICT (\"user\", type, id) DO UPDATE SET json = excluded.json, modified = excluded.modified,"
          + " created = CASE WHEN " + objects + ".destroyed = 1 THEN excluded.created ELSE " + objects + ".created END,"
          + " destroyed = 0")) {
        ps.setString(1, key(user));
        ps.setString(2, type);
        ps.setString(3, id);
        ps.setString(4, Json.write(json));
        ps.setLong(5, n);
        ps.setLong(6, n);
        ps.executeUpdate();
      }
      return n;
    });
  }

  /** Thrown inside the transaction of a destroy that found nothing, to roll back its counter bump. */
  private static final class NothingToDestroy extends RuntimeException {
    NothingToDestroy() {
      super(null, null, false, false);
    }
  }

  @Override
  public boolean destroy(String user, String type, String id) {
    try {
      return write(c -> {
        long n = bump(c, user, type);
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + objects
            + " SET destroyed = 1, modified = ? WHERE \"user\" = ? AND type = ? AND id = ? AND destroyed = 0")) {
          ps.setLong(1, n);
          ps.setString(2, key(user));
          ps.setString(3, type);
          ps.setString(4, id);
          if (ps.executeUpdate() == 0) {
            throw new NothingToDestroy();
          }
        }
        return true;
      });
    } catch (NothingToDestroy e) {
      return false;
    }
  }

  @Override
  public Changes changes(String user, String type, long since) {
    // one transaction: the rows and the counter returned as "now" are of one moment
    return write(c -> {
      List<String> created = new ArrayList<>();
      List<String> updated = new ArrayList<>();
      List<String> destroyed = new ArrayList<>();
      long now = counter(c, user, type);
      try (PreparedStatement ps = c.prepareStatement("SELECT id, created, destroyed FROM " + objects
          + " WHERE \"user\" = ? AND type = ? AND modified > ? AND modified <= ? ORDER BY modified")) {
        ps.setString(1, key(user));
        ps.setString(2, type);
        ps.setLong(3, since);
        ps.setLong(4, now);
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
      return new Changes(created, updated, destroyed, now);
    });
  }

  // ---- threads

  @Override
  public Map<String, String> threadsOf(String user, List<String> messageIds) {
    return read(c -> {
      Map<String, String> out = new LinkedHashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT thread_id FROM " + threads + " WHERE \"user\" = ? AND message_id = ?")) {
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

  @Override
  public void joinThread(String user, List<String> messageIds, String threadId) {
    write(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + threads + " (\"user\", message_id, thread_id)"
          + " VALUES (?, ?, ?) ON CONFLICT (\"user\", message_id) DO NOTHING")) {
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
    db.close();
  }
}
