package dev.postamt.im2000;

import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sender's outbox index, {@code data_dir/im2000/outbox.db} (the message files are {@link Outbox}'s).
 * One row per message and one per recipient domain of it, with the signed notification sent there (the
 * feed serves it again) and where that domain stands. Times are epoch seconds.
 *
 * <pre>
 * message(id TEXT PRIMARY KEY, token_hash TEXT UNIQUE, sha256 TEXT, size INTEGER, created INTEGER, expires INTEGER)
 * delivery(message_id TEXT, domain TEXT, recipients TEXT, notification BLOB, signature TEXT,
 *          state TEXT,  -- 'notified' (B took the notification), 'unreached' (B was down), 'fetched'
 *          attempts INTEGER,  -- notification POSTs made: 1, never more (no retries)
 *          PRIMARY KEY(message_id, domain))
 * </pre>
 */
final class SqliteOutbox implements AutoCloseable {
  private static final int SCHEMA_VERSION = 1;

  /** One recipient domain of a message: whom it names there and the signed notification for it. */
  record Delivery(String messageId, String domain, List<String> recipients, byte[] notification, String signature,
      String state, int attempts) {}

  private final Connection db;
  private final ReentrantLock lock = new ReentrantLock();

  private SqliteOutbox(Connection db) {
    this.db = db;
  }

  static SqliteOutbox open(Path file) throws IOException {
    try {
      return new SqliteOutbox(SqliteFiles.open(file, SqliteOutbox::migrate));
    } catch (SQLException e) {
      throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  private static void migrate(Connection c) throws SQLException {
    if (SqliteFiles.schemaVersion(c, SCHEMA_VERSION, "outbox.db") == SCHEMA_VERSION) {
      return;
    }
    try (Statement st = c.createStatement()) {
      st.executeUpdate("CREATE TABLE IF NOT EXISTS message(id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,"
          + " sha256 TEXT NOT NULL, size INTEGER NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL)");
      st.executeUpdate("CREATE TABLE IF NOT EXISTS delivery(message_id TEXT NOT NULL, domain TEXT NOT NULL,"
          + " recipients TEXT NOT NULL, notification BLOB NOT NULL, signature TEXT NOT NULL, state TEXT NOT NULL,"
          + " attempts INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(message_id, domain)) WITHOUT ROWID");
      st.executeUpdate("CREATE INDEX IF NOT EXISTS delivery_domain ON delivery(domain, state)");
      st.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  /** Records a message with its deliveries (all in state {@code unreached}); nothing when the id is known. */
  void add(String id, String tokenHash, String sha256, long size, Instant created, Instant expires, List<Delivery> deliveries) {
    run(() -> {
      db.setAutoCommit(false);
      try {
        try (PreparedStatement p = db.prepareStatement("INSERT OR IGNORE INTO message VALUES (?,?,?,?,?,?)")) {
          p.setString(1, id);
          p.setString(2, tokenHash);
          p.setString(3, sha256);
          p.setLong(4, size);
          p.setLong(5, created.getEpochSecond());
          p.setLong(6, expires.getEpochSecond());
          p.executeUpdate();
        }
        try (PreparedStatement p = db.prepareStatement(
            "INSERT OR IGNORE INTO delivery VALUES (?,?,?,?,?,'unreached',0)")) {
          for (Delivery d : deliveries) {
            p.setString(1, id);
            p.setString(2, d.domain());
            p.setString(3, String.join(",", d.recipients()));
            p.setBytes(4, d.notification());
            p.setString(5, d.signature());
            p.executeUpdate();
          }
        }
        db.commit();
      } catch (SQLException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
      return null;
    });
  }

  boolean contains(String id) {
    return run(() -> {
      try (PreparedStatement p = db.prepareStatement("SELECT 1 FROM message WHERE id = ?")) {
        p.setString(1, id);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  /** The message a capability token's hash names, with its SHA-256, if it is still here. */
  Optional<String[]> byToken(String tokenHash) {
    return run(() -> {
      try (PreparedStatement p = db.prepareStatement("SELECT id, sha256 FROM message WHERE token_hash = ?")) {
        p.setString(1, tokenHash);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(new String[] {rs.getString(1), rs.getString(2)}) : Optional.empty();
        }
      }
    });
  }

  /** Counts one notification POST to the domain and whether it was taken. */
  void notified(String id, String domain, boolean reached) {
    run(() -> {
      try (PreparedStatement p = db.prepareStatement("UPDATE delivery SET attempts = attempts + 1,"
          + " state = CASE WHEN state = 'fetched' THEN state WHEN ? THEN 'notified' ELSE 'unreached' END"
          + " WHERE message_id = ? AND domain = ?")) {
        p.setBoolean(1, reached);
        p.setString(2, id);
        p.setString(3, domain);
        p.executeUpdate();
      }
      return null;
    });
  }

  /**
   * Marks the domain's copy as fetched; true when that was the message's last domain (so the message
   * can go). False also when the domain is not a recipient domain of the message.
   */
  boolean fetched(String id, String domain) {
    return run(() -> {
      try (PreparedStatement p = db.prepareStatement(
          "UPDATE delivery SET state = 'fetched' WHERE message_id = ? AND domain = ?")) {
        p.setString(1, id);
        p.setString(2, domain);
        if (p.executeUpdate() == 0) {
          return false;
        }
      }
      try (PreparedStatement p = db.prepareStatement(
          "SELECT count(*) FROM delivery WHERE message_id = ? AND state <> 'fetched'")) {
        p.setString(1, id);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() && rs.getLong(1) == 0;
        }
      }
    });
  }

  void delete(String id) {
    run(() -> {
      for (String sql : new String[] {"DELETE FROM delivery WHERE message_id = ?", "DELETE FROM message WHERE id = ?"}) {
        try (PreparedStatement p = db.prepareStatement(sql)) {
          p.setString(1, id);
          p.executeUpdate();
        }
      }
      return null;
    });
  }

  /** What a domain has not fetched yet: the feed it may poll. */
  List<Delivery> pending(String domain) {
    return deliveries("SELECT * FROM delivery WHERE domain = ? AND state <> 'fetched'", domain);
  }

  /** Every delivery of a message (state and attempts: the sender's view). */
  List<Delivery> deliveries(String id) {
    return deliveries("SELECT * FROM delivery WHERE message_id = ? ORDER BY domain", id);
  }

  private List<Delivery> deliveries(String sql, String arg) {
    return run(() -> {
      try (PreparedStatement p = db.prepareStatement(sql)) {
        p.setString(1, arg);
        try (ResultSet rs = p.executeQuery()) {
          List<Delivery> out = new ArrayList<>();
          while (rs.next()) {
            out.add(new Delivery(rs.getString("message_id"), rs.getString("domain"),
                List.of(rs.getString("recipients").split(",")), rs.getBytes("notification"), rs.getString("signature"),
                rs.getString("state"), rs.getInt("attempts")));
          }
          return out;
        }
      }
    });
  }

  /** Ids of messages whose retention ended before {@code now}. */
  List<String> expired(Instant now) {
    return ids("SELECT id FROM message WHERE expires < " + now.getEpochSecond());
  }

  /** Every message id in the outbox. */
  List<String> ids() {
    return ids("SELECT id FROM message ORDER BY created");
  }

  private List<String> ids(String sql) {
    return run(() -> {
      try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        List<String> out = new ArrayList<>();
        while (rs.next()) {
          out.add(rs.getString(1));
        }
        return out;
      }
    });
  }

  private interface Sql<T> {
    T run() throws SQLException;
  }

  private <T> T run(Sql<T> s) {
    lock.lock();
    try {
      return s.run();
    } catch (SQLException e) {
      throw new UncheckedIOException(new IOException("im2000 outbox.db: " + e.getMessage(), e));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    SqliteFiles.close(db, lock);
  }
}
