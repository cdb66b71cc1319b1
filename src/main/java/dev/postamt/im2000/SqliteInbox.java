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
 * The receiver's record of notifications, {@code data_dir/im2000/inbox.db}: which capability URLs it has
 * taken (so a notification repeated by push and feed makes one stub), for which local recipients (a stub
 * is resolved only for them), and whether the message has been pulled and its fetch confirmed; and the
 * peers whose feeds it polls. Times are epoch seconds.
 *
 * <pre>
 * received(url TEXT PRIMARY KEY, sender_domain TEXT, id TEXT, sha256 TEXT, size INTEGER, recipients TEXT,
 *          state TEXT,  -- 'stub', 'pulled' (full message kept here), 'confirmed' (the sender was told)
 *          at INTEGER, UNIQUE(sender_domain, id))
 * peer(domain TEXT PRIMARY KEY)
 * </pre>
 */
final class SqliteInbox implements AutoCloseable {
  private static final int SCHEMA_VERSION = 1;

  /** One notification taken. */
  record Received(String url, String senderDomain, String id, String sha256, long size, List<String> recipients,
      String state) {}

  private final Connection db;
  private final ReentrantLock lock = new ReentrantLock();

  private SqliteInbox(Connection db) {
    this.db = db;
  }

  static SqliteInbox open(Path file) throws IOException {
    try {
      return new SqliteInbox(SqliteFiles.open(file, SqliteInbox::migrate));
    } catch (SQLException e) {
      throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  private static void migrate(Connection c) throws SQLException {
    if (SqliteFiles.schemaVersion(c, SCHEMA_VERSION, "inbox.db") == SCHEMA_VERSION) {
      return;
    }
    try (Statement st = c.createStatement()) {
      st.executeUpdate("CREATE TABLE IF NOT EXISTS received(url TEXT PRIMARY KEY, sender_domain TEXT NOT NULL,"
          + " id TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL, recipients TEXT NOT NULL,"
          + " state TEXT NOT NULL, at INTEGER NOT NULL, UNIQUE(sender_domain, id))");
      st.executeUpdate("CREATE TABLE IF NOT EXISTS peer(domain TEXT PRIMARY KEY) WITHOUT ROWID");
      st.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  /** Records a notification; false when its URL or (sender domain, id) was taken before. */
  boolean add(Notification n, String senderDomain, List<String> localRecipients, Instant now) {
    return run(() -> {
      try (PreparedStatement p = db.prepareStatement("INSERT OR IGNORE INTO received VALUES (?,?,?,?,?,?,'stub',?)")) {
        p.setString(1, n.url());
        p.setString(2, senderDomain);
        p.setString(3, n.id());
        p.setString(4, n.sha256());
        p.setLong(5, n.size());
        p.setString(6, String.join(",", localRecipients));
        p.setLong(7, now.getEpochSecond());
        return p.executeUpdate() == 1;
      }
    });
  }

  Optional<Received> byUrl(String url) {
    List<Received> r = select("SELECT * FROM received WHERE url = ?", url);
    return r.isEmpty() ? Optional.empty() : Optional.of(r.getFirst());
  }

  /** Notifications in a state ({@code stub}: not pulled yet; {@code pulled}: fetch not confirmed yet). */
  List<Received> inState(String state) {
    return select("SELECT * FROM received WHERE state = ? ORDER BY at", state);
  }

  void state(String url, String state) {
    run(() -> {
      try (PreparedStatement p = db.prepareStatement("UPDATE received SET state = ? WHERE url = ?")) {
        p.setString(1, state);
        p.setString(2, url);
        p.executeUpdate();
      }
      return null;
    });
  }

  void addPeer(String domain) {
    run(() -> {
      try (PreparedStatement p = db.prepareStatement("INSERT OR IGNORE INTO peer VALUES (?)")) {
        p.setString(1, domain);
        p.executeUpdate();
      }
      return null;
    });
  }

  List<String> peers() {
    return run(() -> {
      try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT domain FROM peer ORDER BY domain")) {
        List<String> out = new ArrayList<>();
        while (rs.next()) {
          out.add(rs.getString(1));
        }
        return out;
      }
    });
  }

  private List<Received> select(String sql, String arg) {
    return run(() -> {
      try (PreparedStatement p = db.prepareStatement(sql)) {
        p.setString(1, arg);
        try (ResultSet rs = p.executeQuery()) {
          List<Received> out = new ArrayList<>();
          while (rs.next()) {
            out.add(new Received(rs.getString("url"), rs.getString("sender_domain"), rs.getString("id"),
                rs.getString("sha256"), rs.getLong("size"), List.of(rs.getString("recipients").split(",")),
                rs.getString("state")));
          }
          return out;
        }
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
      throw new UncheckedIOException(new IOException("im2000 inbox.db: " + e.getMessage(), e));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    SqliteFiles.close(db, lock);
  }
}
