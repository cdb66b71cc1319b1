package dev.postamt.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/** A state owner's writable SQLite connection, and its schema version. */
public final class SqliteFiles {
  private SqliteFiles() {}

  /**
   * The page cache of each connection, in KiB: SQLite's default is 2 MiB per connection, and a server
   * holds some twenty of them (one per state file, more for the mail index), filled under load with pages
   * the operating system's file cache holds anyway. 1 MiB keeps the B-tree's upper levels of files far
   * larger than ours (issue 27, docs/performance.md). The store's mail index files, opened by the store
   * itself, take the same.
   */
  public static final int CACHE_KIB = 1024;

  /**
   * Opens (creating it and its directory when missing) {@code file} in WAL mode with synchronous=NORMAL,
   * a 5 s busy time-out, IMMEDIATE transactions and a {@link #CACHE_KIB} page cache, then runs {@code
   * migrate} on it; closed again when either fails.
   */
  public static Connection open(Path file, Migration migrate) throws SQLException, IOException {
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setCacheSize(-CACHE_KIB); // negative: KiB rather than pages (https://sqlite.org/pragma.html#pragma_cache_size)
    cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
    cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    cfg.setBusyTimeout(5000);
    cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Connection c = cfg.createConnection("jdbc:sqlite:" + file);
    try {
      migrate.run(c);
      return c;
    } catch (SQLException | RuntimeException e) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // reporting the first error
      }
      throw e;
    }
  }

  /**
   * The schema version ({@code PRAGMA user_version}) of {@code c}, refused when newer than {@code known}
   * (a file from a newer build): 0 for a new file.
   */
  public static int schemaVersion(Connection c, int known, String name) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      int version = rs.next() ? rs.getInt(1) : 0;
      if (version > known) {
        throw new SQLException(name + " has schema version " + version + ", newer than this build knows (" + known + ")");
      }
      return version;
    }
  }

  /** Brings a freshly opened connection's schema up to date. */
  @FunctionalInterface
  public interface Migration {
    void run(Connection c) throws SQLException;
  }

  /**
   * Closes a store's one connection under the lock its queries take, so that a query running on another
   * thread finishes first. Every change was committed when made: a failing close loses nothing.
   */
  public static void close(Connection db, java.util.concurrent.locks.Lock lock) {
    lock.lock();
    try {
      db.close();
    } catch (SQLException ignored) {
      // closing anyway
    } finally {
      lock.unlock();
    }
  }

  /**
   * Copies the live SQLite file {@code source} to {@code target} (which must not exist yet) as one
   * consistent snapshot while other connections, in this process or others, read and write it: {@code
   * VACUUM INTO} runs in one read transaction, so the copy holds exactly the last commit before it
   * began, the WAL's content included (SQLite's online backup in one statement). The copy is fsync'd.
   */
  public static void snapshot(Path source, Path target) throws SQLException, IOException {
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setBusyTimeout(10_000);
    Files.createDirectories(target.toAbsolutePath().getParent());
    try (Connection c = cfg.createConnection("jdbc:sqlite:" + source);
        java.sql.PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
      ps.setString(1, target.toString());
      ps.execute();
    }
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(target, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }
}
