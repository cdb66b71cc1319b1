package dev.postamt.filter.checksum;

import dev.postamt.postgres.CachedReads;
import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The checksums of known spam in {@code data_dir/checksums.db}: SQLite in WAL mode, one connection
 * under a lock. The only class with checksum SQL.
 *
 * <pre>
 * checksum(id INTEGER PRIMARY KEY, sigkey INTEGER UNIQUE, sig BLOB, added INTEGER)  -- sig: 32 longs, big-endian
 * band(key INTEGER, id INTEGER, PRIMARY KEY(key, id)) WITHOUT ROWID                  -- LSH band keys → checksum
 * </pre>
 */
public final class SqliteChecksumStore implements ChecksumStore {
  public static final String FILE_NAME = "checksums.db";
  private static final int SCHEMA_VERSION = 1;

  private final Path file;
  private final Connection db;
  private final ReentrantLock lock = new ReentrantLock();
  private final String candidatesSql;
  /** The lookup of every scan, compiled once (used under {@link #lock}; closed with the connection). */
  private PreparedStatement candidates;
  /** {@code PRAGMA data_version}, compiled once (under {@link #lock}). */
  private PreparedStatement versionQuery;
  /** Writes through this connection, whose own commits do not change {@code data_version}. */
  private final AtomicLong writes = new AtomicLong();
  /** Whether the table is empty, kept while {@code data_version} and {@link #writes} stay put. */
  private final CachedReads<Boolean> emptiness = CachedReads.sqlite(this::dataVersion, writes);

  private SqliteChecksumStore(Path file, Connection db) {
    this.file = file;
    this.db = db;
    StringBuilder sql = new StringBuilder(
        "SELECT DISTINCT c.sig, c.added FROM band b JOIN checksum c ON c.id = b.id WHERE b.key IN (");
    for (int i = 0; i < FuzzyHash.BANDS; i++) {
      sql.append(i == 0 ? "?" : ",?");
    }
    this.candidatesSql = sql.append(") LIMIT ?").toString();
  }

  /** Opens (creating when missing) {@code dataDir/checksums.db}. */
  public static SqliteChecksumStore open(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      return new SqliteChecksumStore(file, SqliteFiles.open(file, SqliteChecksumStore::migrate));
    } catch (SQLException e) {
      throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  private static void migrate(Connection c) throws SQLException {
    if (SqliteFiles.schemaVersion(c, SCHEMA_VERSION, FILE_NAME) == SCHEMA_VERSION) {
      return;
    }
    try (Statement st = c.createStatement()) {
      st.executeUpdate("CREATE TABLE IF NOT EXISTS checksum(id INTEGER PRIMARY KEY, sigkey INTEGER NOT NULL UNIQUE,"
          + " sig BLOB NOT NULL, added INTEGER NOT NULL)");
      st.executeUpdate("CREATE TABLE IF NOT EXISTS band(key INTEGER NOT NULL, id INTEGER NOT NULL,"
          + " PRIMARY KEY(key, id)) WITHOUT ROWID");
      st.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  @Override
  public boolean add(long[] signature, long[] bands, Instant now) throws IOException {
    lock.lock();
    try {
      emptiness.changed(); // our own commit does not change data_version
      db.setAutoCommit(false);
      try {
        long id;
        try (PreparedStatement ps = db.prepareStatement(
            "INSERT INTO checksum(sigkey, sig, added) VALUES (?, ?, ?) ON CONFLICT(sigkey) DO NOTHING")) {
          ps.setLong(1, key(signature));
          ps.setBytes(2, bytes(signature));
          ps.setLong(3, now.getEpochSecond());
          if (ps.executeUpdate() == 0) {
            db.rollback();
            return false;
          }
        }
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
          rs.next();
          id = rs.getLong(1);
        }
        try (PreparedStatement ps = db.prepareStatement("INSERT OR IGNORE INTO band(key, id) VALUES (?, ?)")) {
          for (long b : bands) {
            ps.setLong(1, b);
            ps.setLong(2, id);
            ps.addBatch();
          }
          ps.executeBatch();
        }
        db.commit();
        return true;
      } catch (SQLException | RuntimeException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure("write", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean remove(long[] signature) throws IOException {
    lock.lock();
    try {
      emptiness.changed(); // our own commit does not change data_version
      db.setAutoCommit(false);
      try {
        Long id = null;
        try (PreparedStatement ps = db.prepareStatement("SELECT id FROM checksum WHERE sigkey = ?")) {
          ps.setLong(1, key(signature));
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              id = rs.getLong(1);
            }
          }
        }
        if (id == null) {
          db.rollback();
          return false;
        }
        long[] bands = FuzzyHash.bands(signature);
        try (PreparedStatement ps = db.prepareStatement("DELETE FROM band WHERE key = ? AND id = ?")) {
          for (long b : bands) {
            ps.setLong(1, b);
            ps.setLong(2, id);
            ps.addBatch();
          }
          ps.executeBatch();
        }
        try (PreparedStatement ps = db.prepareStatement("DELETE FROM checksum WHERE id = ?")) {
          ps.setLong(1, id);
          ps.executeUpdate();
        }
        db.commit();
        return true;
      } catch (SQLException | RuntimeException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure("write", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Entry> candidates(long[] bands, int limit) throws IOException {
    lock.lock();
    try {
      if (candidates == null) {
        candidates = db.prepareStatement(candidatesSql);
      }
      PreparedStatement ps = candidates;
      for (int i = 0; i < FuzzyHash.BANDS; i++) {
        ps.setLong(i + 1, bands[Math.min(i, bands.length - 1)]);
      }
      ps.setInt(FuzzyHash.BANDS + 1, limit);
      List<Entry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Entry(longs(rs.getBytes(1)), Instant.ofEpochSecond(rs.getLong(2))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("read", e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether the table is empty, read again only when some connection has committed since: {@code PRAGMA
   * data_version} counts the commits of other connections (another process: {@code postamt spam learn}),
   * and this connection's own writes count in {@link #writes} ({@link CachedReads#sqlite}, as for the
   * Sieve and vacation reads). One small statement per scan instead of the signature and the band lookup
   * while nothing has been learned.
   */
  @Override
  public boolean empty() throws IOException {
    lock.lock();
    try {
      return emptiness.get("", () -> {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM checksum)")) {
          return rs.next() && rs.getInt(1) == 0;
        }
      });
    } catch (SQLException e) {
      throw failure("read", e);
    } finally {
      lock.unlock();
    }
  }

  /** {@code PRAGMA data_version}, compiled once (under {@link #lock}, which the caller holds). */
  private long dataVersion() throws SQLException {
    if (versionQuery == null) {
      versionQuery = db.prepareStatement("PRAGMA data_version");
    }
    try (ResultSet rs = versionQuery.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0L;
    }
  }

  @Override
  public long count() throws IOException {
    lock.lock();
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM checksum")) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw failure("read", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    SqliteFiles.close(db, lock);
  }

  /** The unique key of a signature (the same on both backends, so that a copied store still finds its rows). */
  static long key(long[] sig) {
    long h = 17;
    for (long v : sig) {
      h = FuzzyHash.mix(h ^ v);
    }
    return h;
  }

  /** A signature as stored: its longs big-endian. */
  static byte[] bytes(long[] sig) {
    ByteBuffer b = ByteBuffer.allocate(sig.length * 8);
    for (long v : sig) {
      b.putLong(v);
    }
    return b.array();
  }

  static long[] longs(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    long[] out = new long[bytes.length / 8];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getLong();
    }
    return out;
  }

  private IOException failure(String what, SQLException e) {
    return new IOException("cannot " + what + " " + file + ": " + e.getMessage(), e);
  }
}
