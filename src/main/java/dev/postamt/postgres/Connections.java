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
    return new Sqlite(file, SqliteFiles.open(file, migrate), migrate);
  }

  /**
   * {@code file} for state that is rarely used (most servers never touch it, or once a day): opened and
   * migrated now as {@link #sqlite} does, so that a file that cannot be opened or comes from a newer build
   * still stops the start, then closed again until its first use, which opens it for good. An open SQLite
   * connection holds ~130 KB of native memory even when idle (its page cache's first pages, lookaside,
   * schema): issue 27, idle memory.
   */
  public static Connections sqliteOnDemand(Path file, SqliteFiles.Migration migrate) throws SQLException, IOException {
    SqliteFiles.open(file, migrate).close();
    Sqlite s = new Sqlite(file, null, migrate);
    IdleClose.watch(s);
    return s;
  }

  /**
   * Closes the connections of {@link #sqliteOnDemand} that went unused for {@link #IDLE}: their owners use
   * them in bursts (an hourly job, a delivery now and then), and the next use opens them again. One virtual
   * thread for the process, started with the first such connection.
   */
  static final class IdleClose {
    static final java.time.Duration IDLE = java.time.Duration.ofSeconds(60);
    private static final java.util.Set<Sqlite> WATCHED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.concurrent.atomic.AtomicBoolean STARTED = new java.util.concurrent.atomic.AtomicBoolean();

    private IdleClose() {}

    static void watch(Sqlite s) {
      WATCHED.add(s);
      if (STARTED.compareAndSet(false, true)) {
        Thread.ofVirtual().name("sqlite-idle-close").start(IdleClose::loop);
      }
    }

    static void forget(Sqlite s) {
      WATCHED.remove(s);
    }

    private static void loop() {
      while (true) {
        try {
          Thread.sleep(IDLE.dividedBy(2));
        } catch (InterruptedException e) {
          return;
        }
        long now = System.nanoTime();
        for (Sqlite s : WATCHED) {
          s.closeIfIdle(now, IDLE.toNanos());
        }
      }
    }
  }

  /** The pool of {@code db}, with {@code owner}'s tables brought to {@code schema} first. */
  public static Connections postgres(PgDatabase db, String owner, List<String> schema) {
    db.migrate(owner, schema);
    return new Postgres(db);
  }

  static final class Sqlite extends Connections {
    private final Path file;
    private final SqliteFiles.Migration migrate;
    /** The connection; null until the first use when made by {@link #sqliteOnDemand}, and after close (guarded by lock). */
    private Connection db;
    private boolean closed; // guarded by lock
    /** Made by {@link #sqliteOnDemand}: opened at the first use, closed by {@link IdleClose}. */
    private final boolean onDemand;
    /** {@link System#nanoTime} of the last use of an on-demand connection (guarded by lock). */
    private long lastUse;
    private final ReentrantLock lock = new ReentrantLock();
    /** This process's writes through this connection, for {@link CachedReads} (see {@link #cachedReads}). */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    /** {@code PRAGMA data_version}, prepared once (under {@link #lock}). */
    private java.sql.PreparedStatement versionQuery;

    Sqlite(Path file, Connection db, SqliteFiles.Migration migrate) {
      this.file = file;
      this.db = db;
      this.migrate = migrate;
      this.onDemand = db == null;
    }

    /** The connection, opened at the first use (under {@link #lock}). */
    private Connection db() throws SQLException {
      if (onDemand) {
        lastUse = System.nanoTime();
      }
      if (db == null) {
        if (closed) {
          throw new SQLException(file + " is closed");
        }
        try {
          db = SqliteFiles.open(file, migrate);
        } catch (IOException e) {
          throw new SQLException("cannot open " + file + ": " + e.getMessage(), e);
        }
      }
      return db;
    }

    /** Whether a connection is open now (for tests). */
    boolean isOpen() {
      lock.lock();
      try {
        return db != null;
      } finally {
        lock.unlock();
      }
    }

    /** Closes the connection when it was last used {@code idleNanos} or more before {@code now} and nobody holds it. */
    void closeIfIdle(long now, long idleNanos) {
      if (!lock.tryLock()) {
        return; // in use
      }
      try {
        if (db != null && now - lastUse >= idleNanos) {
          Connection open = db;
          db = null;
          // data_version counts per connection: a read cached now cannot be checked against the next one's
          changes.incrementAndGet();
          try {
            if (versionQuery != null) {
              versionQuery.close();
            }
            open.close();
          } catch (SQLException e) {
            // every change was committed when made; the next use opens a new connection
          } finally {
            versionQuery = null;
          }
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public <T> T with(Work<T> work) throws SQLException {
      lock.lock();
      try {
        return work.run(db());
      } finally {
        lock.unlock();
      }
    }

    @Override
    public <T> T transaction(Work<T> work) throws SQLException {
      lock.lock();
      try {
        Connection c = db();
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
          versionQuery = db().prepareStatement("PRAGMA data_version");
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
      Connection open = null;
      IdleClose.forget(this);
      lock.lock();
      try {
        closed = true;
        open = db;
        db = null;
        if (versionQuery != null) {
          versionQuery.close();
          versionQuery = null;
        }
      } catch (SQLException ignored) {
        // the connection closes next anyway
      } finally {
        lock.unlock();
      }
      if (open != null) {
        SqliteFiles.close(open, lock);
      }
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
