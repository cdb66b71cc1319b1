package dev.postamt.filter.bayes;

import dev.postamt.postgres.CachedReads;
import dev.postamt.postgres.PgDatabase;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bayes counts in PostgreSQL, shared by every node: mail trained on one node scores on all of them. The
 * only class with the PostgreSQL Bayes SQL; the tables are {@link SqliteBayesStore}'s with a {@code bayes_}
 * prefix.
 *
 * <p>Two nodes learning the same message at once: each learn or forget first takes a transaction-scoped
 * advisory lock on (scope, digest), so the "already learned?" check and the change are one step. Token
 * rows are written in hash order, so concurrent learners of different messages lock rows in one order; a
 * deadlock that happens anyway is retried by {@link PgDatabase#transaction}.
 *
 * <p>The message totals of a scope ({@link #messages}), which every scan asks, are kept until a learn or
 * forget is heard of ({@link CachedReads}: each sends {@code NOTIFY postamt_bayes} in its transaction); the
 * token counts are read each time.
 */
public final class PgBayesStore implements BayesStore {
  static final String OWNER = "bayes";
  private static final List<String> SCHEMA = List.of("""
      CREATE TABLE bayes_scope(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE,
        spam BIGINT NOT NULL DEFAULT 0, ham BIGINT NOT NULL DEFAULT 0);
      CREATE TABLE bayes_token(scope BIGINT NOT NULL, hash BIGINT NOT NULL, spam INTEGER NOT NULL,
        ham INTEGER NOT NULL, seen BIGINT NOT NULL, PRIMARY KEY(scope, hash));
      CREATE INDEX bayes_token_seen ON bayes_token(seen);
      CREATE TABLE bayes_learned(scope BIGINT NOT NULL, digest TEXT NOT NULL, spam BOOLEAN NOT NULL,
        at BIGINT NOT NULL, PRIMARY KEY(scope, digest))""");

  private final PgDatabase db;
  private final CachedReads<Counts> totals;
  private final Map<String, Long> scopeIds = new ConcurrentHashMap<>();

  private PgBayesStore(PgDatabase db) {
    this.db = db;
    this.totals = CachedReads.of(db, "postamt_bayes");
  }

  /** The Bayes counts in {@code db}, their tables created or upgraded first. */
  public static PgBayesStore open(PgDatabase db) throws IOException {
    try {
      db.migrate(OWNER, SCHEMA);
    } catch (PgDatabase.Failure e) {
      throw new IOException(e.getMessage(), e);
    }
    return new PgBayesStore(db);
  }

  @Override
  public Counts messages(String scope) throws IOException {
    return totals.get(scope, () -> readMessages(scope));
  }

  private Counts readMessages(String scope) throws IOException {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement("SELECT spam, ham FROM bayes_scope WHERE name = ?")) {
      ps.setString(1, scope);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Counts(rs.getLong(1), rs.getLong(2)) : new Counts(0, 0);
      }
    } catch (SQLException e) {
      throw failure("read", e);
    }
  }

  @Override
  public void tokens(String scope, long[] hashes, int[] spam, int[] ham) throws IOException {
    Arrays.fill(spam, 0, hashes.length, 0);
    Arrays.fill(ham, 0, hashes.length, 0);
    try (Connection c = db.connection()) {
      long id = scopeId(c, scope, false);
      if (id < 0 || hashes.length == 0) {
        return;
      }
      Map<Long, Integer> index = new HashMap<>(hashes.length * 2);
      Long[] boxed = new Long[hashes.length];
      for (int i = 0; i < hashes.length; i++) {
        index.put(hashes[i], i);
        boxed[i] = hashes[i];
      }
      Array array = c.createArrayOf("bigint", boxed);
      try (PreparedStatement ps = c.prepareStatement("SELECT hash, spam, ham FROM bayes_token WHERE scope = ? AND hash = ANY(?)")) {
        ps.setLong(1, id);
        ps.setArray(2, array);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Integer i = index.get(rs.getLong(1));
            if (i != null) {
              spam[i] = rs.getInt(2);
              ham[i] = rs.getInt(3);
            }
          }
        }
      } finally {
        array.free();
      }
    } catch (SQLException e) {
      throw failure("read", e);
    }
  }

  @Override
  public Outcome learn(String scope, String digest, long[] hashes, boolean spam, boolean onlyNew, Instant now)
      throws IOException {
    long[] sorted = sortedUnique(hashes);
    try {
      return db.transaction(c -> {
        long id = scopeId(c, scope, true);
        lock(c, id, digest);
        Optional<Boolean> before = learned(c, id, digest);
        Outcome outcome;
        if (before.isPresent() && (before.get() == spam || onlyNew)) {
          return Outcome.ALREADY_KNOWN;
        } else if (before.isPresent()) {
          change(c, id, sorted, spam ? 1 : -1, spam ? -1 : 1, now);
          messages(c, id, spam ? 1 : -1, spam ? -1 : 1);
          outcome = Outcome.RELEARNED;
        } else {
          change(c, id, sorted, spam ? 1 : 0, spam ? 0 : 1, now);
          messages(c, id, spam ? 1 : 0, spam ? 0 : 1);
          outcome = Outcome.LEARNED;
        }
        totals.notifyIn(c);
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO bayes_learned(scope, digest, spam, at) VALUES (?, ?, ?, ?) ON CONFLICT (scope, digest)"
                + " DO UPDATE SET spam = excluded.spam, at = excluded.at")) {
          ps.setLong(1, id);
          ps.setString(2, digest);
          ps.setBoolean(3, spam);
          ps.setLong(4, now.getEpochSecond());
          ps.executeUpdate();
        }
        return outcome;
      });
    } catch (SQLException e) {
      throw failure("write", e);
    } finally {
      totals.changed();
    }
  }

  @Override
  public Outcome forget(String scope, String digest, long[] hashes) throws IOException {
    long[] sorted = sortedUnique(hashes);
    try (Connection probe = db.connection()) {
      if (scopeId(probe, scope, false) < 0) {
        return Outcome.NOT_KNOWN;
      }
    } catch (SQLException e) {
      throw failure("read", e);
    }
    try {
      return db.transaction(c -> {
        long id = scopeId(c, scope, false);
        lock(c, id, digest);
        Optional<Boolean> before = learned(c, id, digest);
        if (before.isEmpty()) {
          return Outcome.NOT_KNOWN;
        }
        boolean spam = before.get();
        change(c, id, sorted, spam ? -1 : 0, spam ? 0 : -1, Instant.EPOCH);
        messages(c, id, spam ? -1 : 0, spam ? 0 : -1);
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM bayes_learned WHERE scope = ? AND digest = ?")) {
          ps.setLong(1, id);
          ps.setString(2, digest);
          ps.executeUpdate();
        }
        totals.notifyIn(c);
        return Outcome.FORGOTTEN;
      });
    } catch (SQLException e) {
      throw failure("write", e);
    } finally {
      totals.changed();
    }
  }

  private static void lock(Connection c, long scope, String digest) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
      ps.setInt(1, (int) scope);
      ps.setString(2, digest);
      ps.execute();
    }
  }

  private static long[] sortedUnique(long[] hashes) {
    return Arrays.stream(hashes).sorted().distinct().toArray();
  }

  /** Adds {@code ds}/{@code dh} (each -1, 0 or 1) to every token's counts; deletes the rows left empty. */
  private static void change(Connection c, long scope, long[] hashes, int ds, int dh, Instant now) throws SQLException {
    long day = Math.floorDiv(now.getEpochSecond(), 86400);
    try (PreparedStatement up = c.prepareStatement(
        "INSERT INTO bayes_token(scope, hash, spam, ham, seen) VALUES (?, ?, GREATEST(0, ?), GREATEST(0, ?), ?)"
            + " ON CONFLICT (scope, hash) DO UPDATE SET spam = GREATEST(0, bayes_token.spam + ?),"
            + " ham = GREATEST(0, bayes_token.ham + ?), seen = GREATEST(bayes_token.seen, excluded.seen)")) {
      for (long h : hashes) {
        up.setLong(1, scope);
        up.setLong(2, h);
        up.setInt(3, ds);
        up.setInt(4, dh);
        up.setLong(5, day);
        up.setInt(6, ds);
        up.setInt(7, dh);
        up.addBatch();
      }
      up.executeBatch();
    }
    if (ds < 0 || dh < 0) {
      try (PreparedStatement del =
          c.prepareStatement("DELETE FROM bayes_token WHERE scope = ? AND hash = ? AND spam = 0 AND ham = 0")) {
        for (long h : hashes) {
          del.setLong(1, scope);
          del.setLong(2, h);
          del.addBatch();
        }
        del.executeBatch();
      }
    }
  }

  private static void messages(Connection c, long scope, int ds, int dh) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE bayes_scope SET spam = GREATEST(0, spam + ?), ham = GREATEST(0, ham + ?) WHERE id = ?")) {
      ps.setInt(1, ds);
      ps.setInt(2, dh);
      ps.setLong(3, scope);
      ps.executeUpdate();
    }
  }

  @Override
  public Optional<Boolean> learned(String scope, String digest) throws IOException {
    try (Connection c = db.connection()) {
      long id = scopeId(c, scope, false);
      return id < 0 ? Optional.empty() : learned(c, id, digest);
    } catch (SQLException e) {
      throw failure("read", e);
    }
  }

  private static Optional<Boolean> learned(Connection c, long scope, String digest) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT spam FROM bayes_learned WHERE scope = ? AND digest = ?")) {
      ps.setLong(1, scope);
      ps.setString(2, digest);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getBoolean(1)) : Optional.empty();
      }
    }
  }

  /** The id of {@code name}, created when {@code create} (atomic across nodes); -1 for an unknown scope otherwise. */
  private long scopeId(Connection c, String name, boolean create) throws SQLException {
    Long known = scopeIds.get(name);
    if (known != null) {
      return known;
    }
    if (create) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO bayes_scope(name) VALUES (?) ON CONFLICT (name) DO NOTHING")) {
        ps.setString(1, name);
        ps.executeUpdate();
      }
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM bayes_scope WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          long id = rs.getLong(1);
          if (!create) { // an id seen inside a transaction that may roll back is not cached
            scopeIds.put(name, id);
          }
          return id;
        }
      }
    }
    return -1;
  }

  @Override
  public int expire(Instant cutoff) throws IOException {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("DELETE FROM bayes_token WHERE seen < ?")) {
      ps.setLong(1, Math.floorDiv(cutoff.getEpochSecond(), 86400));
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("write", e);
    }
  }

  @Override
  public Stats stats(String scope) throws IOException {
    Counts counts = messages(scope);
    try (Connection c = db.connection()) {
      long id = scopeId(c, scope, false);
      if (id < 0) {
        return new Stats(0, 0, 0, Optional.empty(), Optional.empty());
      }
      long tokens;
      try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM bayes_token WHERE scope = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          tokens = rs.next() ? rs.getLong(1) : 0;
        }
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT min(at), max(at) FROM bayes_learned WHERE scope = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          long oldest = rs.getLong(1);
          boolean none = rs.wasNull();
          long newest = rs.getLong(2);
          return new Stats(counts.spam(), counts.ham(), tokens,
              none ? Optional.empty() : Optional.of(Instant.ofEpochSecond(oldest)),
              none ? Optional.empty() : Optional.of(Instant.ofEpochSecond(newest)));
        }
      }
    } catch (SQLException e) {
      throw failure("read", e);
    }
  }

  @Override
  public void close() {
    // the pool belongs to the process
  }

  private IOException failure(String what, SQLException e) {
    return new IOException("cannot " + what + " the Bayes counts in " + db.display() + ": " + e.getMessage(), e);
  }
}
