package dev.postamt.filter.bayes;

import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Bayes database in {@code data_dir/bayes.db}: SQLite in WAL mode (the server scans and learns while
 * {@code postamt spam learn} writes), one connection under a lock. The only class with Bayes SQL.
 *
 * <pre>
 * scope(id INTEGER PRIMARY KEY, name TEXT UNIQUE, spam INTEGER, ham INTEGER)   -- '' is the global scope
 * token(scope INTEGER, hash INTEGER, spam INTEGER, ham INTEGER, seen INTEGER,  -- seen: epoch day last learned
 *       PRIMARY KEY(scope, hash)) WITHOUT ROWID
 * learned(scope INTEGER, digest TEXT, spam INTEGER, at INTEGER,                -- at: epoch seconds
 *       PRIMARY KEY(scope, digest)) WITHOUT ROWID
 * </pre>
 *
 * <p>A message's tokens are read with a few {@code IN (…)} queries of fixed sizes (statements prepared
 * once), written in one transaction. What was read is kept ({@link TokenCounts}, and the scopes' message
 * counts) while the file's {@code PRAGMA data_version} says no other connection (the CLI's {@code spam
 * learn}) committed; this connection's own writes change the kept counts as they change the rows, once
 * committed. So a scan of learned mail reads only the tokens it has not met lately. Counts never go below zero (a message forgotten after the
 * tokenizer changed leaves no negative counts); tokens with no counts left are deleted.
 */
public final class SqliteBayesStore implements BayesStore {
  public static final String FILE_NAME = "bayes.db";
  private static final int SCHEMA_VERSION = 1;
  /** The sizes of the {@code IN} lists: a batch is padded up to one of them, so few statements are compiled. */
  private static final int[] BATCH = {8, 64, 256, 900};

  private final Path file;
  private final Connection db;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Integer, PreparedStatement> reads = new HashMap<>();
  private final Map<String, Long> scopeIds = new ConcurrentHashMap<>();
  /** The read of a scope's message counts, asked by every scan: compiled once (used under {@link #lock}). */
  private PreparedStatement countsRead;
  /** {@code PRAGMA data_version}, asked before every read: compiled once (used under {@link #lock}). */
  private PreparedStatement versionRead;
  /** The data_version the kept answers were read at; guarded by {@link #lock}. */
  private long version = Long.MIN_VALUE;
  /** Kept answers, guarded by {@link #lock}: token counts by scope id, message counts by scope name. */
  private final TokenCounts kept = new TokenCounts();
  private final Map<String, Counts> keptCounts = new HashMap<>();

  private SqliteBayesStore(Path file, Connection db) {
    this.file = file;
    this.db = db;
  }

  /** Opens (creating when missing) {@code dataDir/bayes.db}. */
  public static SqliteBayesStore open(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      return new SqliteBayesStore(file, SqliteFiles.open(file, SqliteBayesStore::migrate));
    } catch (SQLException e) {
      throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  private static void migrate(Connection c) throws SQLException {
    if (SqliteFiles.schemaVersion(c, SCHEMA_VERSION, FILE_NAME) == SCHEMA_VERSION) {
      return;
    }
    try (Statement st = c.createStatement()) {
      st.executeUpdate("CREATE TABLE IF NOT EXISTS scope(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
          + " spam INTEGER NOT NULL DEFAULT 0, ham INTEGER NOT NULL DEFAULT 0)");
      st.executeUpdate("CREATE TABLE IF NOT EXISTS token(scope INTEGER NOT NULL, hash INTEGER NOT NULL,"
          + " spam INTEGER NOT NULL, ham INTEGER NOT NULL, seen INTEGER NOT NULL, PRIMARY KEY(scope, hash)) WITHOUT ROWID");
      st.executeUpdate("CREATE TABLE IF NOT EXISTS learned(scope INTEGER NOT NULL, digest TEXT NOT NULL,"
          + " spam INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY(scope, digest)) WITHOUT ROWID");
      st.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  /**
   * Forgets the kept answers when another connection committed since they were read (its {@code
   * data_version} moved). Under {@link #lock}.
   */
  private void fresh() throws SQLException {
    if (versionRead == null) {
      versionRead = db.prepareStatement("PRAGMA data_version");
    }
    long v;
    try (ResultSet rs = versionRead.executeQuery()) {
      v = rs.next() ? rs.getLong(1) : Long.MIN_VALUE;
    }
    if (v != version || v == Long.MIN_VALUE) {
      forgetKept();
      version = v;
    }
  }

  /** Under {@link #lock}. */
  private void forgetKept() {
    kept.clear();
    keptCounts.clear();
    version = Long.MIN_VALUE;
  }

  @Override
  public Counts messages(String scope) throws IOException {
    lock.lock();
    try {
      fresh();
      Counts known = keptCounts.get(scope);
      if (known != null) {
        return known;
      }
      if (countsRead == null) {
        countsRead = db.prepareStatement("SELECT spam, ham FROM scope WHERE name = ?");
      }
      PreparedStatement ps = countsRead;
      ps.setString(1, scope);
      Counts c;
      try (ResultSet rs = ps.executeQuery()) {
        c = rs.next() ? new Counts(rs.getLong(1), rs.getLong(2)) : new Counts(0, 0);
      }
      if (keptCounts.size() >= 10_000) {
        keptCounts.clear();
      }
      keptCounts.put(scope, c);
      return c;
    } catch (SQLException e) {
      throw failure("read", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void tokens(String scope, long[] hashes, int[] spam, int[] ham) throws IOException {
    java.util.Arrays.fill(spam, 0, hashes.length, 0);
    java.util.Arrays.fill(ham, 0, hashes.length, 0);
    lock.lock();
    try {
      fresh();
      long id = scopeId(scope, false);
      if (id < 0 || hashes.length == 0) {
        return;
      }
      // the kept ones first; the rest (their positions in 'missing') are read and then kept
      int[] missing = new int[hashes.length];
      int m = 0;
      for (int i = 0; i < hashes.length; i++) {
        int slot = kept.find(id, hashes[i]);
        if (slot >= 0) {
          spam[i] = kept.spam(slot);
          ham[i] = kept.ham(slot);
        } else {
          missing[m++] = i;
        }
      }
      if (m == 0) {
        return;
      }
      Map<Long, Integer> index = new HashMap<>(m * 2);
      for (int k = 0; k < m; k++) {
        index.put(hashes[missing[k]], missing[k]);
      }
      int from = 0;
      while (from < m) {
        int left = m - from;
        int size = BATCH[BATCH.length - 1];
        for (int b : BATCH) {
          if (b >= left) {
            size = b;
            break;
          }
        }
        PreparedStatement ps = read(size);
        ps.setLong(1, id);
        for (int k = 0; k < size; k++) {
          ps.setLong(k + 2, hashes[missing[Math.min(from + k, m - 1)]]); // padded with the last one
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Integer i = index.get(rs.getLong(1));
            if (i != null) {
              spam[i] = rs.getInt(2);
              ham[i] = rs.getInt(3);
            }
          }
        }
        from += size;
      }
      for (int k = 0; k < m; k++) {
        int i = missing[k];
        kept.put(id, hashes[i], spam[i], ham[i]);
      }
    } catch (SQLException e) {
      forgetKept();
      throw failure("read", e);
    } finally {
      lock.unlock();
    }
  }

  private PreparedStatement read(int size) throws SQLException {
    PreparedStatement ps = reads.get(size);
    if (ps == null) {
      StringBuilder sql = new StringBuilder("SELECT hash, spam, ham FROM token WHERE scope = ? AND hash IN (");
      for (int k = 0; k < size; k++) {
        sql.append(k == 0 ? "?" : ",?");
      }
      ps = db.prepareStatement(sql.append(')').toString());
      reads.put(size, ps);
    }
    return ps;
  }

  @Override
  public Outcome learn(String scope, String digest, long[] hashes, boolean spam, boolean onlyNew, Instant now)
      throws IOException {
    lock.lock();
    try {
      db.setAutoCommit(false);
      try {
        long id = scopeId(scope, true);
        Optional<Boolean> before = learned(id, digest);
        Outcome outcome;
        int ds = 0;
        int dh = 0;
        if (before.isPresent() && (before.get() == spam || onlyNew)) {
          outcome = Outcome.ALREADY_KNOWN;
        } else if (before.isPresent()) {
          ds = spam ? 1 : -1;
          dh = spam ? -1 : 1;
          outcome = Outcome.RELEARNED;
        } else {
          ds = spam ? 1 : 0;
          dh = spam ? 0 : 1;
          outcome = Outcome.LEARNED;
        }
        if (outcome != Outcome.ALREADY_KNOWN) {
          change(id, hashes, ds, dh, now);
          messages(id, ds, dh);
        }
        if (outcome != Outcome.ALREADY_KNOWN) {
          try (PreparedStatement ps = db.prepareStatement(
              "INSERT INTO learned(scope, digest, spam, at) VALUES (?, ?, ?, ?) ON CONFLICT(scope, digest)"
                  + " DO UPDATE SET spam = excluded.spam, at = excluded.at")) {
            ps.setLong(1, id);
            ps.setString(2, digest);
            ps.setInt(3, spam ? 1 : 0);
            ps.setLong(4, now.getEpochSecond());
            ps.executeUpdate();
          }
        }
        db.commit();
        committed(id, hashes, ds, dh);
        return outcome;
      } catch (SQLException | RuntimeException e) {
        forgetKept();
        db.rollback();
        scopeIds.clear(); // a scope created in the failed transaction is gone again
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
  public Outcome forget(String scope, String digest, long[] hashes) throws IOException {
    lock.lock();
    try {
      long id = scopeId(scope, false);
      if (id < 0) {
        return Outcome.NOT_KNOWN;
      }
      db.setAutoCommit(false);
      try {
        Optional<Boolean> before = learned(id, digest);
        if (before.isEmpty()) {
          db.rollback();
          return Outcome.NOT_KNOWN;
        }
        boolean spam = before.get();
        int ds = spam ? -1 : 0;
        int dh = spam ? 0 : -1;
        change(id, hashes, ds, dh, Instant.EPOCH);
        messages(id, ds, dh);
        try (PreparedStatement ps = db.prepareStatement("DELETE FROM learned WHERE scope = ? AND digest = ?")) {
          ps.setLong(1, id);
          ps.setString(2, digest);
          ps.executeUpdate();
        }
        db.commit();
        committed(id, hashes, ds, dh);
        return Outcome.FORGOTTEN;
      } catch (SQLException | RuntimeException e) {
        forgetKept();
        db.rollback();
        scopeIds.clear(); // a scope created in the failed transaction is gone again
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

  /**
   * After a commit of {@link #change} and {@link #messages(long, int, int)} with {@code ds}/{@code dh}: the
   * kept token counts change the same way, the message counts are read again.
   */
  private void committed(long scope, long[] hashes, int ds, int dh) {
    if (ds != 0 || dh != 0) {
      kept.change(scope, hashes, ds, dh);
    }
    keptCounts.clear();
  }

  /** Adds {@code ds}/{@code dh} (each -1, 0 or 1) to every token's counts; deletes the rows left empty. */
  private void change(long scope, long[] hashes, int ds, int dh, Instant now) throws SQLException {
    long day = Math.floorDiv(now.getEpochSecond(), 86400);
    try (PreparedStatement up = db.prepareStatement(
        "INSERT INTO token(scope, hash, spam, ham, seen) VALUES (?1, ?2, max(0, ?3), max(0, ?4), ?5)"
            + " ON CONFLICT(scope, hash) DO UPDATE SET spam = max(0, spam + ?3), ham = max(0, ham + ?4),"
            + " seen = max(seen, ?5)")) {
      for (long h : hashes) {
        up.setLong(1, scope);
        up.setLong(2, h);
        up.setInt(3, ds);
        up.setInt(4, dh);
        up.setLong(5, day);
        up.addBatch();
      }
      up.executeBatch();
    }
    if (ds < 0 || dh < 0) {
      try (PreparedStatement del =
          db.prepareStatement("DELETE FROM token WHERE scope = ? AND hash = ? AND spam = 0 AND ham = 0")) {
        for (long h : hashes) {
          del.setLong(1, scope);
          del.setLong(2, h);
          del.addBatch();
        }
        del.executeBatch();
      }
    }
  }

  private void messages(long scope, int ds, int dh) throws SQLException {
    try (PreparedStatement ps =
        db.prepareStatement("UPDATE scope SET spam = max(0, spam + ?), ham = max(0, ham + ?) WHERE id = ?")) {
      ps.setInt(1, ds);
      ps.setInt(2, dh);
      ps.setLong(3, scope);
      ps.executeUpdate();
    }
  }

  @Override
  public Optional<Boolean> learned(String scope, String digest) throws IOException {
    lock.lock();
    try {
      long id = scopeId(scope, false);
      return id < 0 ? Optional.empty() : learned(id, digest);
    } catch (SQLException e) {
      throw failure("read", e);
    } finally {
      lock.unlock();
    }
  }

  private Optional<Boolean> learned(long scope, String digest) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("SELECT spam FROM learned WHERE scope = ? AND digest = ?")) {
      ps.setLong(1, scope);
      ps.setString(2, digest);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getInt(1) != 0) : Optional.empty();
      }
    }
  }

  /** The id of {@code name}, created when {@code create}; -1 for an unknown scope otherwise. */
  private long scopeId(String name, boolean create) throws SQLException {
    Long known = scopeIds.get(name);
    if (known != null) {
      return known;
    }
    try (PreparedStatement ps = db.prepareStatement("SELECT id FROM scope WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          scopeIds.put(name, rs.getLong(1));
          return rs.getLong(1);
        }
      }
    }
    if (!create) {
      return -1;
    }
    try (PreparedStatement ps = db.prepareStatement("INSERT INTO scope(name) VALUES (?)")) {
      ps.setString(1, name);
      ps.executeUpdate();
    }
    return scopeId(name, false);
  }

  @Override
  public int expire(Instant cutoff) throws IOException {
    lock.lock();
    try (PreparedStatement ps = db.prepareStatement("DELETE FROM token WHERE seen < ?")) {
      ps.setLong(1, Math.floorDiv(cutoff.getEpochSecond(), 86400));
      forgetKept(); // the tokens deleted are not known here
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("write", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Stats stats(String scope) throws IOException {
    Counts c = messages(scope);
    lock.lock();
    try {
      long id = scopeId(scope, false);
      if (id < 0) {
        return new Stats(0, 0, 0, Optional.empty(), Optional.empty());
      }
      long tokens;
      try (PreparedStatement ps = db.prepareStatement("SELECT count(*) FROM token WHERE scope = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          tokens = rs.next() ? rs.getLong(1) : 0;
        }
      }
      try (PreparedStatement ps = db.prepareStatement("SELECT min(at), max(at) FROM learned WHERE scope = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          long oldest = rs.getLong(1);
          boolean none = rs.wasNull();
          long newest = rs.getLong(2);
          return new Stats(c.spam(), c.ham(), tokens,
              none ? Optional.empty() : Optional.of(Instant.ofEpochSecond(oldest)),
              none ? Optional.empty() : Optional.of(Instant.ofEpochSecond(newest)));
        }
      }
    } catch (SQLException e) {
      throw failure("read", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      for (PreparedStatement ps : reads.values()) {
        ps.close();
      }
      if (countsRead != null) {
        countsRead.close();
      }
      if (versionRead != null) {
        versionRead.close();
      }
      db.close();
    } catch (SQLException ignored) {
      // closing anyway
    } finally {
      lock.unlock();
    }
  }

  private IOException failure(String what, SQLException e) {
    return new IOException("cannot " + what + " " + file + ": " + e.getMessage(), e);
  }
}
