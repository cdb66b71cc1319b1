package dev.postamt.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.postamt.config.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A pool of connections to one PostgreSQL database, shared by every state owner of the process: {@link
 * #of} hands out the same pool for the same target, so the ban list, the greylist and the web sessions of
 * one node together hold at most {@code [database] pool_size} connections.
 *
 * <p>Transactions run at READ COMMITTED (PostgreSQL's default); owners that need more use row locks or
 * {@code INSERT … ON CONFLICT}, which are atomic across nodes.
 */
public final class PgDatabase {
  private static final Map<String, PgDatabase> POOLS = new ConcurrentHashMap<>();

  private final Database.Postgres target;
  private final HikariDataSource pool;

  private PgDatabase(Database.Postgres target, int poolSize) {
    this.target = target;
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(target.jdbcUrl());
    if (!target.user().isEmpty()) {
      hc.setUsername(target.user());
    }
    if (!target.password().isEmpty()) {
      hc.setPassword(target.password());
    }
    hc.setMaximumPoolSize(poolSize);
    hc.setMinimumIdle(1);
    hc.setPoolName("postamt-" + target.database());
    hc.setConnectionTimeout(10_000);
    // A node that cannot reach the database at start says so at once, naming the URL, rather than later.
    hc.setInitializationFailTimeout(10_000);
    hc.addDataSourceProperty("ApplicationName", "postamt");
    hc.addDataSourceProperty("tcpKeepAlive", "true");
    try {
      this.pool = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new Failure("cannot connect to " + target.display() + ": " + rootMessage(e), e);
    }
  }

  /** The process's pool for {@code target}, opened on first use. */
  public static PgDatabase of(Database.Postgres target, int poolSize) {
    String key = target.jdbcUrl() + "|" + target.user();
    return POOLS.computeIfAbsent(key, k -> new PgDatabase(target, poolSize));
  }

  /** The pool of {@code db}, which must name PostgreSQL. */
  public static PgDatabase of(Database db) {
    return of(db.postgres().orElseThrow(() -> new IllegalArgumentException("[database] url is not PostgreSQL")),
        db.poolSize());
  }

  /** Where this pool connects, without the password. */
  public String display() {
    return target.display();
  }

  /**
   * A connection of its own, outside the pool, for a long-lived {@code LISTEN} ({@link PgNotifications}) or
   * session-level advisory locks (the POP3 maildrop locks); the caller closes it.
   */
  public Connection openDirect() throws SQLException {
    java.util.Properties p = new java.util.Properties();
    if (!target.user().isEmpty()) {
      p.setProperty("user", target.user());
    }
    if (!target.password().isEmpty()) {
      p.setProperty("password", target.password());
    }
    p.setProperty("ApplicationName", "postamt-listen");
    p.setProperty("tcpKeepAlive", "true");
    return java.sql.DriverManager.getConnection(target.jdbcUrl(), p);
  }

  private volatile PgNotifications notifications;

  /** The process's {@code LISTEN}/{@code NOTIFY} for this database, started on first use. */
  public synchronized PgNotifications notifications() {
    if (notifications == null) {
      notifications = new PgNotifications(this);
    }
    return notifications;
  }

  private final Map<String, java.util.concurrent.atomic.AtomicLong> changeCounts = new ConcurrentHashMap<>();

  /**
   * The process's count of changes on {@code channel} ({@link CachedReads}): moved by every notification on
   * it from any node, by every (re)connection of the listening connection, and by this process's writers.
   */
  java.util.concurrent.atomic.AtomicLong changeCount(String channel) {
    return changeCounts.computeIfAbsent(channel, ch -> {
      java.util.concurrent.atomic.AtomicLong n = new java.util.concurrent.atomic.AtomicLong();
      notifications().listen(ch, payload -> n.incrementAndGet());
      return n;
    });
  }

  /** A connection from the pool (auto-commit on); the caller closes it, which returns it. */
  public Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /** Work done in one transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction and commits; rolls back when it throws. A serialization failure
   * or a deadlock (SQLSTATE 40001, 40P01) is retried a few times, as PostgreSQL advises.
   */
  public <T> T transaction(Work<T> work) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = connection()) {
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      } catch (SQLException e) {
        String state = e.getSQLState();
        if (attempt < 5 && ("40001".equals(state) || "40P01".equals(state))) {
          continue;
        }
        throw e;
      }
    }
  }

  /**
   * Brings the tables of {@code owner} up to {@code versions.size()}: {@code versions.get(i)} is the SQL
   * (one or more statements) that takes the schema from version {@code i} to {@code i + 1}. Runs in one
   * transaction under an advisory lock, so nodes starting together migrate once; refuses a database whose
   * owner version is newer than this build knows.
   */
  public void migrate(String owner, List<String> versions) {
    try {
      transaction(c -> {
        try (Statement st = c.createStatement()) {
          st.execute("SELECT pg_advisory_xact_lock(7283190455)");
          st.execute("CREATE TABLE IF NOT EXISTS postamt_schema(owner TEXT PRIMARY KEY, version INTEGER NOT NULL)");
        }
        int version = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM postamt_schema WHERE owner = ?")) {
          ps.setString(1, owner);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              version = rs.getInt(1);
            }
          }
        }
        if (version > versions.size()) {
          throw new SQLException(owner + " has schema version " + version + " in " + target.display()
              + ", newer than this build knows (" + versions.size() + ")");
        }
        for (int v = version; v < versions.size(); v++) {
          try (Statement st = c.createStatement()) {
            st.execute(versions.get(v));
          }
        }
        if (version < versions.size()) {
          try (PreparedStatement ps = c.prepareStatement(
              "INSERT INTO postamt_schema(owner, version) VALUES (?, ?) ON CONFLICT (owner) DO UPDATE SET version = excluded.version")) {
            ps.setString(1, owner);
            ps.setInt(2, versions.size());
            ps.executeUpdate();
          }
        }
        return null;
      });
    } catch (SQLException e) {
      throw new Failure("cannot prepare the " + owner + " tables in " + target.display() + ": " + e.getMessage(), e);
    }
  }

  /** The schema version of {@code owner} (0 when it has no tables yet). */
  public int schemaVersion(String owner) throws SQLException {
    try (Connection c = connection(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS postamt_schema(owner TEXT PRIMARY KEY, version INTEGER NOT NULL)");
      try (PreparedStatement ps = c.prepareStatement("SELECT version FROM postamt_schema WHERE owner = ?")) {
        ps.setString(1, owner);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getInt(1) : 0;
        }
      }
    }
  }

  /**
   * Closes the pool and forgets it (the next {@link #of} opens a new one). The server never needs this: its
   * pool lives as long as the process; tests that make many databases close theirs.
   */
  public void close() {
    POOLS.values().remove(this);
    PgNotifications n = notifications;
    if (n != null) {
      n.close();
    }
    pool.close();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /** The database could not be reached or prepared; the message names it (never its password). */
  public static final class Failure extends RuntimeException {
    public Failure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
