package dev.postamt.mda;

import dev.postamt.config.Config;
import dev.postamt.postgres.Connections;
import dev.postamt.postgres.PgDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small table of "this user did this for this key at this time", the one owner of a kind of Sieve
 * delivery state: {@link #vacation} (RFC 5230 §4.2: whom a user's vacation answered, per handle) and
 * {@link #duplicate} (RFC 7352: which unique ids a user's messages had). On SQLite one file each under
 * {@code data_dir/sieve/} (table {@code entry}); on PostgreSQL the tables {@code sieve_vacation_seen} and
 * {@code sieve_duplicate_seen}, so that a sender answered by one node is not answered again by another.
 * Entries older than {@link #KEEP} are pruned as new ones are written.
 */
public final class SeenLog implements AutoCloseable {
  /** Longer than any period a script may ask for (vacation :days is at most 90 here). */
  static final Duration KEEP = Duration.ofDays(100);

  private final Connections db;
  private final String table;
  private final AtomicLong writes = new AtomicLong();

  private SeenLog(Connections db, String table) {
    this.db = db;
    this.table = table;
  }

  private static SeenLog open(Config config, String name) throws IOException {
    if (config.database().postgres().isPresent()) {
      String table = "sieve_" + name + "_seen";
      try {
        return new SeenLog(Connections.postgres(PgDatabase.of(config.database()), table, List.of(
            "CREATE TABLE " + table + "(owner TEXT NOT NULL, key TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY(owner, key))")),
            table);
      } catch (PgDatabase.Failure e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    Path file = config.dataDir().resolve("sieve").resolve(name + ".db");
    Files.createDirectories(file.getParent());
    try {
      return new SeenLog(Connections.sqliteOnDemand(file, SeenLog::migrateSqlite), "entry");
    } catch (SQLException e) {
      throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  /** Version 1 named the user column {@code user}; 2 calls it {@code owner}, as PostgreSQL does. */
  private static void migrateSqlite(Connection c) throws SQLException {
    int version = dev.postamt.sqlite.SqliteFiles.schemaVersion(c, 2, "Sieve state");
    if (version == 2) {
      return;
    }
    try (Statement s = c.createStatement()) {
      boolean old;
      try (ResultSet r = s.executeQuery("SELECT count(*) FROM pragma_table_info('entry') WHERE name = 'user'")) {
        old = r.next() && r.getInt(1) > 0;
      }
      if (old) {
        s.executeUpdate("ALTER TABLE entry RENAME COLUMN user TO owner");
      }
      s.executeUpdate("CREATE TABLE IF NOT EXISTS entry(owner TEXT NOT NULL, key TEXT NOT NULL, at INTEGER NOT NULL,"
          + " PRIMARY KEY(owner, key))");
      s.executeUpdate("PRAGMA user_version = 2");
    }
  }

  /** Whom vacations answered: key = sender + NUL + handle ({@code data_dir/sieve/vacation.db} on SQLite). */
  public static SeenLog vacation(Config config) throws IOException {
    return open(config, "vacation");
  }

  /** Which unique ids were seen: key = handle + NUL + unique id ({@code data_dir/sieve/duplicate.db} on SQLite). */
  public static SeenLog duplicate(Config config) throws IOException {
    return open(config, "duplicate");
  }

  /** Whether {@code key} was recorded for {@code user} less than {@code period} before {@code now}. */
  public boolean within(String user, String key, Duration period, Instant now) throws IOException {
    try {
      return db.with(c -> {
        try (PreparedStatement p = c.prepareStatement("SELECT at FROM " + table + " WHERE owner = ? AND key = ?")) {
          p.setString(1, user);
          p.setString(2, stored(key));
          try (ResultSet r = p.executeQuery()) {
            return r.next() && now.toEpochMilli() - r.getLong(1) < period.toMillis();
          }
        }
      });
    } catch (SQLException e) {
      throw new IOException("sieve state: " + e.getMessage(), e);
    }
  }

  /** Records {@code key} for {@code user} at {@code at} (replacing an earlier record). */
  public void record(String user, String key, Instant at) throws IOException {
    boolean prune = writes.incrementAndGet() % 1000 == 0;
    try {
      db.with(c -> {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + table + "(owner, key, at) VALUES (?, ?, ?)"
            + " ON CONFLICT (owner, key) DO UPDATE SET at = excluded.at")) {
          p.setString(1, user);
          p.setString(2, stored(key));
          p.setLong(3, at.toEpochMilli());
          p.executeUpdate();
        }
        if (prune) {
          try (PreparedStatement d = c.prepareStatement("DELETE FROM " + table + " WHERE at < ?")) {
            d.setLong(1, at.minus(KEEP).toEpochMilli());
            d.executeUpdate();
          }
        }
        return null;
      });
    } catch (SQLException e) {
      throw new IOException("sieve state: " + e.getMessage(), e);
    }
  }

  /**
   * The key as written: PostgreSQL's text cannot hold the NUL that separates a key's parts, so there it is
   * the key's SHA-256 in hex (only ever compared for equality); SQLite keeps it as it is.
   */
  private String stored(String key) {
    if (!db.postgres()) {
      return key;
    }
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    db.close();
  }
}
