package dev.postamt.directory;

import dev.postamt.postgres.Connections;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.postgres.PgNotifications;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the directory's SQL runs: {@code data_dir/directory.db} (one SQLite connection under a lock) or the
 * process's PostgreSQL pool, shared by every node. The SQL itself is the same on both and lives in its
 * owners ({@link Directory}, {@link AccountSecurity}, {@link Masks}); the tables in {@link DirectorySchema}.
 *
 * <p>A write is one transaction in which the checks and the change see the same state. SQLite gives that
 * by taking the file's write lock at BEGIN (IMMEDIATE). On PostgreSQL, where transactions of other nodes
 * run at once (READ COMMITTED), a write first takes one transaction-scoped advisory lock, so that directory
 * writes of all nodes follow each other as they do on SQLite: two nodes adding the same user cannot both
 * pass the "already exists" check, and a domain cannot be removed while another node adds a user to it.
 * Reads take no lock. Directory writes are administrative and short (the Argon2 work is done before).
 *
 * <p>Every write that may change a cached lookup ({@link LookupCache}) counts as a change of the directory:
 * it moves the {@linkplain #generation generation} that all the directories of this process open on the
 * same file or pool share, at once after its commit, and on PostgreSQL it sends a {@code NOTIFY} on
 * {@value #CHANNEL} in its own transaction, so that the other nodes hear of it when (and only if) it
 * commits. Writes to columns no lookup caches (password hashes, SCRAM keys, last-used times) go through
 * {@link #writeUncached} and do neither.
 */
final class DirectoryDb implements AutoCloseable {
  /** The advisory lock of directory writes on PostgreSQL (next to {@link PgDatabase#migrate}'s 7283190455). */
  private static final long WRITE_LOCK = 7283190456L;
  /** The {@code LISTEN}/{@code NOTIFY} channel of directory changes on PostgreSQL. */
  static final String CHANNEL = "postamt_directory";

  /**
   * The change counters of this process, one per SQLite file or PostgreSQL pool: every directory open on
   * the same one (the server's, the admin console's, a test's second handle) sees the others' writes.
   */
  private static final Map<String, Changes> CHANGES = new ConcurrentHashMap<>();

  /** How often the directory changed, as far as this process knows; and whether it listens on PostgreSQL. */
  private static final class Changes {
    final AtomicLong generation = new AtomicLong();
    final AtomicBoolean listening = new AtomicBoolean();
  }

  private final Connections db;
  private final Path file;
  private final PgDatabase pg;
  private final Changes changes;
  private final ThreadLocal<Connection> current = new ThreadLocal<>();

  private DirectoryDb(Connections db, Path file, PgDatabase pg) {
    this.db = db;
    this.file = file;
    this.pg = pg;
    String key = pg == null ? "sqlite:" + file.toAbsolutePath().normalize() : "pg:" + System.identityHashCode(pg);
    this.changes = CHANGES.computeIfAbsent(key, k -> new Changes());
  }

  /** {@code dataDir/directory.db}, created (owner-only) when missing and brought to the current schema. */
  static DirectoryDb sqlite(Path dataDir) throws DirectoryException {
    Path file = dataDir.resolve(Directory.FILE_NAME);
    DirectorySchema.createPrivate(dataDir, file);
    try {
      return new DirectoryDb(Connections.sqlite(file, c -> DirectorySchema.migrate(c, file)), file, null);
    } catch (SQLException | IOException e) {
      throw new DirectoryException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  /** The directory tables in {@code pg}, created or upgraded first (once, however many nodes start). */
  static DirectoryDb postgres(PgDatabase pg) throws DirectoryException {
    try {
      return new DirectoryDb(Connections.postgres(pg, DirectorySchema.PG_OWNER, DirectorySchema.POSTGRES), null, pg);
    } catch (PgDatabase.Failure e) {
      throw new DirectoryException(e.getMessage(), e);
    }
  }

  /** The SQLite file; null on PostgreSQL. */
  Path file() {
    return file;
  }

  boolean postgres() {
    return db.postgres();
  }

  @Override
  public void close() {
    if (file != null) {
      try {
        db.with(c -> {
          if (versionQuery != null) {
            versionQuery.close();
            versionQuery = null;
          }
          return null;
        });
      } catch (SQLException ignored) {
        // the connection closes next anyway
      }
    }
    db.close();
  }

  // ---- changes ----

  /** Moves whenever this process learns of a change: its own write, another node's NOTIFY, another process's commit. */
  long generation() {
    return changes.generation.get();
  }

  /** Something changed (or may have): every lookup cached before is stale. */
  void changed() {
    changes.generation.incrementAndGet();
  }

  /**
   * On PostgreSQL, starts listening for the other nodes' changes (once per pool); every notification, and
   * every (re)connection of the listener, which may have missed some, counts as a change.
   */
  void listenForChanges() {
    if (pg != null && changes.listening.compareAndSet(false, true)) {
      Changes c = changes;
      pg.notifications().listen(CHANNEL, payload -> c.generation.incrementAndGet());
    }
  }

  /**
   * SQLite's count of commits by other connections to the file ({@code PRAGMA data_version}: another
   * process, or another handle in this one); it reads the WAL index in shared memory, not the tables.
   */
  long dataVersion() throws DirectoryException {
    return read("check for changes", () -> {
      if (versionQuery == null) {
        versionQuery = current.get().prepareStatement("PRAGMA data_version");
      }
      try (ResultSet rs = versionQuery.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
  }

  /**
   * {@link #dataVersion}'s statement, prepared once: the lookup cache asks before every negative answer,
   * half a dozen times per message, and compiling the pragma each time cost more than running it. Used
   * only on SQLite's one connection, under its lock ({@link Connections#with}).
   */
  private PreparedStatement versionQuery;

  // ---- running work ----

  @FunctionalInterface
  interface Work<T> {
    T run() throws SQLException, DirectoryException;
  }

  /** A refusal thrown by work, carried through Connections' SQLException-only signature (rolls back). */
  private static final class Carried extends RuntimeException {
    final DirectoryException inner;

    Carried(DirectoryException inner) {
      super(inner);
      this.inner = inner;
    }
  }

  <T> T read(String what, Work<T> work) throws DirectoryException {
    if (current.get() != null) {
      return inline(what, work);
    }
    try {
      return db.with(c -> on(c, work));
    } catch (SQLException e) {
      throw dbError(what, e);
    } catch (Carried e) {
      throw e.inner;
    }
  }

  /**
   * Runs {@code work} in one transaction: the checks and the change see the same state (see above). A
   * change of the directory: cached lookups of every node are invalidated when it commits.
   */
  <T> T write(String what, Work<T> work) throws DirectoryException {
    return write(what, work, true);
  }

  /** {@link #write} for columns no lookup caches (password hashes, SCRAM keys, last-used times). */
  <T> T writeUncached(String what, Work<T> work) throws DirectoryException {
    return write(what, work, false);
  }

  private <T> T write(String what, Work<T> work, boolean change) throws DirectoryException {
    if (current.get() != null) {
      return inline(what, work); // already inside this thread's transaction
    }
    try {
      T result = db.transaction(c -> {
        if (db.postgres()) {
          try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(" + WRITE_LOCK + ")");
          }
        }
        T r = on(c, work);
        if (change && db.postgres()) {
          PgNotifications.notify(c, CHANNEL, ""); // delivered at commit, dropped on rollback
        }
        return r;
      });
      if (change) {
        changed();
      }
      return result;
    } catch (SQLException e) {
      throw dbError(what, e);
    } catch (Carried e) {
      throw e.inner;
    }
  }

  private <T> T inline(String what, Work<T> work) throws DirectoryException {
    try {
      return work.run();
    } catch (SQLException e) {
      throw dbError(what, e);
    }
  }

  private <T> T on(Connection c, Work<T> work) throws SQLException {
    current.set(c);
    try {
      return work.run();
    } catch (DirectoryException e) {
      throw new Carried(e);
    } finally {
      current.remove();
    }
  }

  private DirectoryException dbError(String what, SQLException e) {
    return new DirectoryException("directory database " + db.display() + ": cannot " + what + ": " + e.getMessage(), e);
  }

  // ---- statements, on the connection of the work running on this thread ----

  boolean exists(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  String string(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  List<String> strings(String sql, Object... args) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  int update(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(sql, args)) {
      return ps.executeUpdate();
    }
  }

  /** A statement with {@code args} bound; a null argument is bound as SQL NULL of an unnamed type. */
  PreparedStatement prepare(String sql, Object... args) throws SQLException {
    Connection c = current.get();
    if (c == null) {
      throw new IllegalStateException("directory SQL outside read() or write()");
    }
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }
}
