package dev.postamt.postgres;

import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where a state owner whose SQL is the same on both backends runs it: one SQLite file (a single connection
 * under a lock, as {@link SqliteFiles} opens it) or the process's PostgreSQL pool. The owner keeps its SQL
 * in one class and asks {@link #postgres()} only where the dialects differ (column types in its schema).
 */
public abstract sealed class Connections implements AutoCloseable {

  /** Work on one connection, which is the caller's alone for the call. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} on a connection in auto-commit mode. */
  public abstract <T> T with(Work<T> work) throws SQLException;

  /** Runs {@code work} in one transaction, committed when it returns and rolled back when it throws. */
  public abstract <T> T transaction(Work<T> work) throws SQLException;

  /**
   * Reads cached until a write of this kind of state is heard of on {@code channel} ({@link CachedReads});
   * on SQLite until the file says another connection committed, or this process wrote through this one.
   */
  public abstract <V> CachedReads<V> cachedReads(String channel);

  /** Whether this is PostgreSQL (else SQLite). */
  public abstract boolean postgres();

  /** The file or the database, for messages (never a password). */
  public abstract String display();

  @Override
  public abstract void close();

  /** {@code file}, opened and migrated by {@code migrate} as {@link SqliteFiles#open} does. */
  public static Connections sqlite(Path file, SqliteFiles.Migration migrate) throws SQLException, IOException {
    return new Sqlite(file, SqliteFiles.open(file, migrate));
  }

  /** The pool of {@code db}, with {@code owner}'s tables brought to {@code schema} first. */
  public static Connections postgres(PgDatabase db, String owner, List<String> schema) {
    db.migrate(owner, schema);
    return new Postgres(db);
  }

  static final class Sqlite extends Connections {
    private final Path file;
    private final Connection db;
    private final ReentrantLock lock = new ReentrantLock();
    /** This process's writes through this connection, for {@link CachedReads} (see {@link #cachedReads}). */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    /** {@code PRAGMA data_version}, prepared once (under {@link #lock}). */
    private java.sql.PreparedStatement versionQuery;

    Sqlite(Path file, Connection db) {
      this.file = file;
      this.db = db;
    }

    @Override
    public <T> T with(Work<T> work) throws SQLException {
      lock.lock();
      try {
        return work.run(db);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public <T> T transaction(Work<T> work) throws SQLException {
      lock.lock();
      try {
        db.setAutoCommit(false);
        try {
          T result = work.run(db);
          db.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          db.rollback();
          throw e;
        } finally {
          db.setAutoCommit(true);
        }
      } finally {
        lock.unlock();
      }
    }

    /**
     * Reads kept while the file's {@code data_version} stays put (no other process or connection
     * committed) and no write of this kind through this connection called {@link CachedReads#changed}.
     */
    @Override
    public <V> CachedReads<V> cachedReads(String channel) {
      return CachedReads.sqlite(this::dataVersion, changes);
    }

    private long dataVersion() throws SQLException {
      lock.lock();
      try {
        if (versionQuery == null) {
          versionQuery = db.prepareStatement("PRAGMA data_version");
        }
        try (java.sql.ResultSet rs = versionQuery.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public boolean postgres() {
      return false;
    }

    @Override
    public String display() {
      return file.toString();
    }

    @Override
    public void close() {
      lock.lock();
      try {
        if (versionQuery != null) {
          versionQuery.close();
          versionQuery = null;
        }
      } catch (SQLException ignored) {
        // the connection closes next anyway
      } finally {
        lock.unlock();
      }
      SqliteFiles.close(db, lock);
    }
  }

  static final class Postgres extends Connections {
    private final PgDatabase db;

    Postgres(PgDatabase db) {
      this.db = db;
    }

    @Override
    public <T> T with(Work<T> work) throws SQLException {
      try (Connection c = db.connection()) {
        return work.run(c);
      }
    }

    @Override
    public <T> T transaction(Work<T> work) throws SQLException {
      return db.transaction(work::run);
    }

    @Override
    public <V> CachedReads<V> cachedReads(String channel) {
      return CachedReads.of(db, channel);
    }

    @Override
    public boolean postgres() {
      return true;
    }

    @Override
    public String display() {
      return db.display();
    }

    @Override
    public void close() {
      // the pool belongs to the process
    }
  }
}
