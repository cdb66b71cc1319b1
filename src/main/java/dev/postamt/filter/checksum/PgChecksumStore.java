package dev.postamt.filter.checksum;

import dev.postamt.postgres.CachedReads;
import dev.postamt.postgres.PgDatabase;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The checksums of known spam in PostgreSQL, shared by every node: a message learned as spam on one node
 * adds {@code FUZZY_SPAM} to its copies arriving at any of them. The only class with the PostgreSQL
 * checksum SQL; the tables are {@link SqliteChecksumStore}'s, the band table with a prefix:
 *
 * <pre>
 * checksum(id BIGSERIAL PRIMARY KEY, sigkey BIGINT UNIQUE, sig BYTEA, added BIGINT)   -- sig: 32 longs, big-endian
 * checksum_band(key BIGINT, id BIGINT, PRIMARY KEY(key, id))                          -- LSH band keys → checksum
 * </pre>
 *
 * <p>Two nodes learning or forgetting the same message at once: the insert is {@code ON CONFLICT (sigkey)
 * DO NOTHING RETURNING id} and the removal {@code DELETE … RETURNING id}, so exactly one of them sees its
 * change made (and returns true); each writes its band rows in the same transaction.
 *
 * <p>Whether any checksum is stored at all is kept until a change is heard of ({@link CachedReads}: adding
 * and removing send {@code NOTIFY postamt_checksums} in their transaction), so that a site that has none
 * costs its scans no statement; with checksums stored every scan reads its candidates.
 */
public final class PgChecksumStore implements ChecksumStore {
  static final String OWNER = "checksum";
  private static final List<String> SCHEMA = List.of("""
      CREATE TABLE checksum(id BIGSERIAL PRIMARY KEY, sigkey BIGINT NOT NULL UNIQUE, sig BYTEA NOT NULL,
        added BIGINT NOT NULL);
      CREATE TABLE checksum_band(key BIGINT NOT NULL, id BIGINT NOT NULL, PRIMARY KEY(key, id))""");

  private final PgDatabase db;

  private PgChecksumStore(PgDatabase db) {
    this.db = db;
    this.any = CachedReads.of(db, "postamt_checksums");
  }

  private final CachedReads<Boolean> any;

  /** The checksums in {@code db}, their tables created or upgraded first. */
  public static PgChecksumStore open(PgDatabase db) throws IOException {
    try {
      db.migrate(OWNER, SCHEMA);
    } catch (PgDatabase.Failure e) {
      throw new IOException(e.getMessage(), e);
    }
    return new PgChecksumStore(db);
  }

  @Override
  public boolean add(long[] signature, long[] bands, Instant now) throws IOException {
    long[] sorted = sortedUnique(bands); // one order of band rows for every writer
    try {
      return db.transaction(c -> {
        long id;
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO checksum(sigkey, sig, added) VALUES (?, ?, ?) ON CONFLICT (sigkey) DO NOTHING RETURNING id")) {
          ps.setLong(1, SqliteChecksumStore.key(signature));
          ps.setBytes(2, SqliteChecksumStore.bytes(signature));
          ps.setLong(3, now.getEpochSecond());
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return false;
            }
            id = rs.getLong(1);
          }
        }
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO checksum_band(key, id) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
          for (long b : sorted) {
            ps.setLong(1, b);
            ps.setLong(2, id);
            ps.addBatch();
          }
          ps.executeBatch();
        }
        any.notifyIn(c);
        return true;
      });
    } catch (SQLException e) {
      throw failure("write", e);
    } finally {
      any.changed();
    }
  }

  @Override
  public boolean remove(long[] signature) throws IOException {
    long[] bands = sortedUnique(FuzzyHash.bands(signature));
    try {
      return db.transaction(c -> {
        long id;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM checksum WHERE sigkey = ? RETURNING id")) {
          ps.setLong(1, SqliteChecksumStore.key(signature));
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return false;
            }
            id = rs.getLong(1);
          }
        }
        Array keys = array(c, bands);
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM checksum_band WHERE key = ANY(?) AND id = ?")) {
          ps.setArray(1, keys);
          ps.setLong(2, id);
          ps.executeUpdate();
        } finally {
          keys.free();
        }
        any.notifyIn(c);
        return true;
      });
    } catch (SQLException e) {
      throw failure("write", e);
    } finally {
      any.changed();
    }
  }

  @Override
  public List<Entry> candidates(long[] bands, int limit) throws IOException {
    if (!any.get("any", this::anyStored)) {
      return List.of();
    }
    try (Connection c = db.connection()) {
      Array keys = array(c, bands);
      try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT c.sig, c.added FROM checksum_band b"
          + " JOIN checksum c ON c.id = b.id WHERE b.key = ANY(?) LIMIT ?")) {
        ps.setArray(1, keys);
        ps.setInt(2, limit);
        List<Entry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Entry(SqliteChecksumStore.longs(rs.getBytes(1)), Instant.ofEpochSecond(rs.getLong(2))));
          }
        }
        return out;
      } finally {
        keys.free();
      }
    } catch (SQLException e) {
      throw failure("read", e);
    }
  }

  private boolean anyStored() throws IOException {
    try (Connection c = db.connection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM checksum)")) {
      return rs.next() && rs.getBoolean(1);
    } catch (SQLException e) {
      throw failure("read", e);
    }
  }

  @Override
  public long count() throws IOException {
    try (Connection c = db.connection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM checksum")) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw failure("read", e);
    }
  }

  @Override
  public void close() {
    // the pool belongs to the process
  }

  private static Array array(Connection c, long[] values) throws SQLException {
    Long[] boxed = new Long[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return c.createArrayOf("bigint", boxed);
  }

  private static long[] sortedUnique(long[] values) {
    return Arrays.stream(values).sorted().distinct().toArray();
  }

  private IOException failure(String what, SQLException e) {
    return new IOException("cannot " + what + " the checksums in " + db.display() + ": " + e.getMessage(), e);
  }
}
