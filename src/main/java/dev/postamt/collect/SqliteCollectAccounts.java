package dev.postamt.collect;

import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link CollectAccounts} in {@code data_dir/collect.db}: tables {@code account}, {@code seen} and
 * {@code pending}. Opened with {@code synchronous=FULL}: a pending row must survive a power cut as the
 * message it announces does. A database fault is an {@link java.io.UncheckedIOException}.
 */
public final class SqliteCollectAccounts implements CollectAccounts {
  private static final int SCHEMA = 1;
  private final Connection db;
  private final ReentrantLock lock = new ReentrantLock();

  private SqliteCollectAccounts(Connection db) {
    this.db = db;
  }

  public static SqliteCollectAccounts open(Path dataDir) throws IOException {
    try {
      return new SqliteCollectAccounts(SqliteFiles.open(dataDir.resolve("collect.db"), SqliteCollectAccounts::migrate));
    } catch (SQLException e) {
      throw new IOException("cannot open " + dataDir.resolve("collect.db") + ": " + e.getMessage(), e);
    }
  }

  private static void migrate(Connection c) throws SQLException {
    int v = SqliteFiles.schemaVersion(c, SCHEMA, "collect.db");
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA synchronous=FULL");
      if (v < 1) {
        s.execute("CREATE TABLE IF NOT EXISTS account(id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL,"
            + " url TEXT NOT NULL, login TEXT NOT NULL, password BLOB NOT NULL, keep INTEGER NOT NULL,"
            + " insecure INTEGER NOT NULL, plaintext INTEGER NOT NULL, created INTEGER NOT NULL, last_run INTEGER,"
            + " last_error TEXT, failures INTEGER NOT NULL DEFAULT 0, next_attempt INTEGER NOT NULL DEFAULT 0,"
            + " collected INTEGER NOT NULL DEFAULT 0)");
        s.execute("CREATE INDEX IF NOT EXISTS account_owner ON account(owner)");
        s.execute("CREATE TABLE IF NOT EXISTS seen(account INTEGER NOT NULL, remote_id TEXT NOT NULL,"
            + " PRIMARY KEY(account, remote_id))");
        s.execute("CREATE TABLE IF NOT EXISTS pending(account INTEGER NOT NULL, remote_id TEXT NOT NULL,"
            + " began INTEGER NOT NULL, PRIMARY KEY(account, remote_id))");
        s.execute("PRAGMA user_version=" + SCHEMA);
      }
    }
  }

  @FunctionalInterface
  private interface Work<T> {
    T run() throws SQLException;
  }

  private <T> T locked(String what, Work<T> w) {
    lock.lock();
    try {
      return w.run();
    } catch (SQLException e) {
      throw new java.io.UncheckedIOException(new IOException("collect.db: " + what + ": " + e.getMessage(), e));
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code w} in one transaction. */
  private <T> T transaction(String what, Work<T> w) {
    return locked(what, () -> {
      db.setAutoCommit(false);
      try {
        T t = w.run();
        db.commit();
        return t;
      } catch (SQLException | RuntimeException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    });
  }

  @Override
  public long add(String owner, RemoteUrl url, String login, byte[] password, boolean keep, boolean insecure,
      boolean plaintext, Instant now) {
    return locked("add", () -> {
      try (PreparedStatement p = db.prepareStatement("INSERT INTO account(owner, url, login, password, keep, insecure,"
          + " plaintext, created, next_attempt) VALUES(?,?,?,?,?,?,?,?,0)", Statement.RETURN_GENERATED_KEYS)) {
        p.setString(1, owner);
        p.setString(2, url.toString());
        p.setString(3, login);
        p.setBytes(4, password);
        p.setInt(5, keep ? 1 : 0);
        p.setInt(6, insecure ? 1 : 0);
        p.setInt(7, plaintext ? 1 : 0);
        p.setLong(8, now.toEpochMilli());
        p.executeUpdate();
        try (ResultSet k = p.getGeneratedKeys()) {
          k.next();
          return k.getLong(1);
        }
      }
    });
  }

  @Override
  public List<Account> list(String owner) {
    return accounts("SELECT * FROM account WHERE owner=? ORDER BY id", owner);
  }

  @Override
  public List<Account> all() {
    return accounts("SELECT * FROM account ORDER BY id", null);
  }

  @Override
  public Optional<Account> get(long id) {
    return accounts("SELECT * FROM account WHERE id=?", id).stream().findFirst();
  }

  private List<Account> accounts(String sql, Object arg) {
    return locked("read accounts", () -> {
      try (PreparedStatement p = db.prepareStatement(sql)) {
        if (arg != null) {
          p.setObject(1, arg);
        }
        List<Account> out = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            long lastRun = r.getLong("last_run");
            boolean noRun = r.wasNull();
            out.add(new Account(r.getLong("id"), r.getString("owner"), RemoteUrl.parse(r.getString("url")),
                r.getString("login"), r.getBytes("password"), r.getInt("keep") != 0, r.getInt("insecure") != 0,
                r.getInt("plaintext") != 0, Instant.ofEpochMilli(r.getLong("created")),
                noRun ? Optional.empty() : Optional.of(Instant.ofEpochMilli(lastRun)),
                Optional.ofNullable(r.getString("last_error")), r.getInt("failures"),
                Instant.ofEpochMilli(r.getLong("next_attempt")), r.getLong("collected")));
          }
        }
        return out;
      }
    });
  }

  @Override
  public boolean remove(String owner, long id) {
    return transaction("remove", () -> {
      int n;
      try (PreparedStatement p = db.prepareStatement("DELETE FROM account WHERE owner=? AND id=?")) {
        p.setString(1, owner);
        p.setLong(2, id);
        n = p.executeUpdate();
      }
      if (n > 0) {
        for (String table : List.of("seen", "pending")) {
          try (PreparedStatement p = db.prepareStatement("DELETE FROM " + table + " WHERE account=?")) {
            p.setLong(1, id);
            p.executeUpdate();
          }
        }
      }
      return n > 0;
    });
  }

  @Override
  public Set<String> seen(long account) {
    return locked("read seen", () -> {
      Set<String> out = new HashSet<>();
      try (PreparedStatement p = db.prepareStatement("SELECT remote_id FROM seen WHERE account=?")) {
        p.setLong(1, account);
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            out.add(r.getString(1));
          }
        }
      }
      return out;
    });
  }

  @Override
  public Map<String, Instant> pending(long account) {
    return locked("read pending", () -> {
      Map<String, Instant> out = new LinkedHashMap<>();
      try (PreparedStatement p = db.prepareStatement("SELECT remote_id, began FROM pending WHERE account=?")) {
        p.setLong(1, account);
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            out.put(r.getString(1), Instant.ofEpochMilli(r.getLong(2)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public void begin(long account, String remoteId, Instant at) {
    locked("begin", () -> {
      try (PreparedStatement p = db.prepareStatement("INSERT OR IGNORE INTO pending(account, remote_id, began) VALUES(?,?,?)")) {
        p.setLong(1, account);
        p.setString(2, remoteId);
        p.setLong(3, at.toEpochMilli());
        return p.executeUpdate();
      }
    });
  }

  @Override
  public void delivered(long account, String remoteId) {
    transaction("delivered", () -> {
      for (String sql : List.of("DELETE FROM pending WHERE account=? AND remote_id=?",
          "INSERT OR IGNORE INTO seen(account, remote_id) VALUES(?,?)")) {
        try (PreparedStatement p = db.prepareStatement(sql)) {
          p.setLong(1, account);
          p.setString(2, remoteId);
          p.executeUpdate();
        }
      }
      try (PreparedStatement p = db.prepareStatement("UPDATE account SET collected=collected+1 WHERE id=?")) {
        p.setLong(1, account);
        return p.executeUpdate();
      }
    });
  }

  @Override
  public void forgetAllBut(long account, Collection<String> onServer) {
    Set<String> keep = new HashSet<>(onServer);
    Set<String> gone = new HashSet<>(seen(account));
    gone.removeAll(keep);
    // a pending message no longer on the server (deleted there by another client) will never come
    Set<String> abandoned = new HashSet<>(pending(account).keySet());
    abandoned.removeAll(keep);
    if (gone.isEmpty() && abandoned.isEmpty()) {
      return;
    }
    transaction("forget", () -> {
      for (Map.Entry<String, Set<String>> e : Map.of("seen", gone, "pending", abandoned).entrySet()) {
        try (PreparedStatement p = db.prepareStatement("DELETE FROM " + e.getKey() + " WHERE account=? AND remote_id=?")) {
          for (String id : e.getValue()) {
            p.setLong(1, account);
            p.setString(2, id);
            p.addBatch();
          }
          p.executeBatch();
        }
      }
      return null;
    });
  }

  @Override
  public void schedule(long account, Instant next) {
    locked("schedule", () -> {
      try (PreparedStatement p = db.prepareStatement("UPDATE account SET next_attempt=? WHERE id=?")) {
        p.setLong(1, next.toEpochMilli());
        p.setLong(2, account);
        return p.executeUpdate();
      }
    });
  }

  @Override
  public void finished(long account, Instant at, String error, int failures, Instant next) {
    locked("finish", () -> {
      try (PreparedStatement p = db.prepareStatement(
          "UPDATE account SET last_run=?, last_error=?, failures=?, next_attempt=? WHERE id=?")) {
        p.setLong(1, at.toEpochMilli());
        p.setString(2, error);
        p.setInt(3, failures);
        p.setLong(4, next.toEpochMilli());
        p.setLong(5, account);
        return p.executeUpdate();
      }
    });
  }

  @Override
  public void close() {
    SqliteFiles.close(db, lock);
  }
}
