package dev.postamt.mda;

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
import org.sqlite.SQLiteConfig;

/**
 * A small SQLite table of "this user did this for this key at this time", the one owner of a kind of
 * Sieve delivery state: {@link #vacation} (RFC 5230 §4.2: whom a user's vacation answered, per handle)
 * and {@link #duplicate} (RFC 7352: which unique ids a user's messages had). One file each under
 * {@code data_dir/sieve/}; entries older than {@link #KEEP} are pruned as new ones are written.
 */
public final class SeenLog implements AutoCloseable {
  /** Longer than any period a script may ask for (vacation :days is at most 90 here). */
  static final Duration KEEP = Duration.ofDays(100);

  private final Connection db;
  private long writes;

  private SeenLog(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
    cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    cfg.setBusyTimeout(10_000);
    try {
      db = cfg.createConnection("jdbc:sqlite:" + file);
      try (Statement s = db.createStatement()) {
        s.executeUpdate("CREATE TABLE IF NOT EXISTS entry(user TEXT NOT NULL, key TEXT NOT NULL, at INTEGER NOT NULL,"
            + " PRIMARY KEY(user, key))");
      }
    } catch (SQLException e) {
      throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  /** {@code data_dir/sieve/vacation.db}: key = sender + NUL + handle. */
  public static SeenLog vacation(Path dataDir) throws IOException {
    return new SeenLog(dataDir.resolve("sieve").resolve("vacation.db"));
  }

  /** {@code data_dir/sieve/duplicate.db}: key = handle + NUL + unique id. */
  public static SeenLog duplicate(Path dataDir) throws IOException {
    return new SeenLog(dataDir.resolve("sieve").resolve("duplicate.db"));
  }

  /** Whether {@code key} was recorded for {@code user} less than {@code period} before {@code now}. */
  public synchronized boolean within(String user, String key, Duration period, Instant now) throws IOException {
    try (PreparedStatement p = db.prepareStatement("SELECT at FROM entry WHERE user=? AND key=?")) {
      p.setString(1, user);
      p.setString(2, key);
      try (ResultSet r = p.executeQuery()) {
        return r.next() && now.toEpochMilli() - r.getLong(1) < period.toMillis();
      }
    } catch (SQLException e) {
      throw new IOException("sieve state: " + e.getMessage(), e);
    }
  }

  /** Records {@code key} for {@code user} at {@code at} (replacing an earlier record). */
  public synchronized void record(String user, String key, Instant at) throws IOException {
    try (PreparedStatement p = db.prepareStatement("INSERT OR REPLACE INTO entry(user, key, at) VALUES(?,?,?)")) {
      p.setString(1, user);
      p.setString(2, key);
      p.setLong(3, at.toEpochMilli());
      p.executeUpdate();
      if (++writes % 1000 == 0) {
        try (PreparedStatement d = db.prepareStatement("DELETE FROM entry WHERE at < ?")) {
          d.setLong(1, at.minus(KEEP).toEpochMilli());
          d.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw new IOException("sieve state: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      // closing anyway
    }
  }
}
