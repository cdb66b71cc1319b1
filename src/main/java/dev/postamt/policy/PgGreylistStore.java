package dev.postamt.policy;

import dev.postamt.postgres.PgDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The greylisting state in PostgreSQL, shared by every node behind one MX: a client that retries on
 * another node is let through as if it had come back to the same one. The only class with the PostgreSQL
 * greylist SQL; the tables are {@link SqliteGreylistStore}'s, times in epoch seconds.
 *
 * <p>Two nodes recording the same first pass at once: the {@code passed = FALSE} condition of the
 * UPDATE lets exactly one of them count the client network's pass (row locks serialize the two).
 */
public final class PgGreylistStore implements GreylistStore {
  static final String OWNER = "greylist";
  private static final List<String> SCHEMA = List.of(
      "CREATE TABLE greylist_triplet(key TEXT PRIMARY KEY, first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL,"
          + " passed BOOLEAN NOT NULL);"
          + " CREATE TABLE greylist_client(network TEXT PRIMARY KEY, passes INTEGER NOT NULL, last_seen BIGINT NOT NULL);"
          + " CREATE INDEX greylist_triplet_last_seen ON greylist_triplet(last_seen)");

  private final PgDatabase db;
  private final boolean readOnly;

  private PgGreylistStore(PgDatabase db, boolean readOnly) {
    this.db = db;
    this.readOnly = readOnly;
  }

  /** The greylist in {@code db}, its tables created or upgraded first. */
  public static PgGreylistStore open(PgDatabase db) {
    try {
      db.migrate(OWNER, SCHEMA);
    } catch (PgDatabase.Failure e) {
      throw new Failure(e.getMessage(), e);
    }
    return new PgGreylistStore(db, false);
  }

  /** A view of the greylist in {@code db} that refuses every change ({@code postamt check policy}). */
  public static PgGreylistStore openReadOnly(PgDatabase db) {
    try {
      db.migrate(OWNER, SCHEMA);
    } catch (PgDatabase.Failure e) {
      throw new Failure(e.getMessage(), e);
    }
    return new PgGreylistStore(db, true);
  }

  @Override
  public Lookup lookup(String triplet, String client) {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
        "SELECT (SELECT passes FROM greylist_client WHERE network = ?), t.first_seen, t.last_seen, t.passed"
            + " FROM (SELECT 1) one LEFT JOIN greylist_triplet t ON t.key = ?")) {
      ps.setString(1, client);
      ps.setString(2, triplet);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        int passes = rs.getInt(1);
        long first = rs.getLong(2);
        Optional<Entry> e = rs.wasNull()
            ? Optional.empty()
            : Optional.of(new Entry(Instant.ofEpochSecond(first), Instant.ofEpochSecond(rs.getLong(3)), rs.getBoolean(4)));
        return new Lookup(e, passes);
      }
    } catch (SQLException e) {
      throw failure("look up", e);
    }
  }

  @Override
  public void start(String triplet, Instant now) {
    long t = now.getEpochSecond();
    update("INSERT INTO greylist_triplet(key, first_seen, last_seen, passed) VALUES (?, ?, ?, FALSE)"
        + " ON CONFLICT (key) DO UPDATE SET first_seen = excluded.first_seen, last_seen = excluded.last_seen, passed = FALSE",
        triplet, t, t);
  }

  @Override
  public void touch(String triplet, Instant now) {
    update("UPDATE greylist_triplet SET last_seen = ? WHERE key = ?", now.getEpochSecond(), triplet);
  }

  @Override
  public boolean pass(String triplet, String client, Instant now) {
    writable();
    long t = now.getEpochSecond();
    try {
      return db.transaction(c -> {
        int first = run(c, "UPDATE greylist_triplet SET passed = TRUE, last_seen = ? WHERE key = ? AND NOT passed", t, triplet);
        if (first == 0) {
          int known = run(c, "UPDATE greylist_triplet SET last_seen = ? WHERE key = ?", t, triplet);
          if (known == 0) {
            run(c, "INSERT INTO greylist_triplet(key, first_seen, last_seen, passed) VALUES (?, ?, ?, TRUE)"
                + " ON CONFLICT (key) DO NOTHING", triplet, t, t);
          }
          return false;
        }
        run(c, "INSERT INTO greylist_client(network, passes, last_seen) VALUES (?, 1, ?)"
            + " ON CONFLICT (network) DO UPDATE SET passes = greylist_client.passes + 1, last_seen = excluded.last_seen",
            client, t);
        return true;
      });
    } catch (SQLException e) {
      throw failure("record a pass in", e);
    }
  }

  @Override
  public void seenClient(String client, Instant now) {
    update("UPDATE greylist_client SET last_seen = ? WHERE network = ?", now.getEpochSecond(), client);
  }

  @Override
  public int purge(Instant unusedSince) {
    writable();
    long t = unusedSince.getEpochSecond();
    try {
      return db.transaction(c -> run(c, "DELETE FROM greylist_triplet WHERE last_seen < ?", t)
          + run(c, "DELETE FROM greylist_client WHERE last_seen < ?", t));
    } catch (SQLException e) {
      throw failure("expire entries of", e);
    }
  }

  @Override
  public List<Triplet> list(int limit) {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
        "SELECT key, first_seen, last_seen, passed FROM greylist_triplet ORDER BY last_seen DESC, key LIMIT ?")) {
      ps.setInt(1, limit);
      List<Triplet> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Triplet(rs.getString(1), new Entry(Instant.ofEpochSecond(rs.getLong(2)),
              Instant.ofEpochSecond(rs.getLong(3)), rs.getBoolean(4))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("list", e);
    }
  }

  @Override
  public boolean remove(String triplet) {
    return update("DELETE FROM greylist_triplet WHERE key = ?", triplet) > 0;
  }

  @Override
  public void close() {
    // the pool belongs to the process
  }

  private int update(String sql, Object... args) {
    writable();
    try (Connection c = db.connection()) {
      return run(c, sql, args);
    } catch (SQLException e) {
      throw failure("update", e);
    }
  }

  private void writable() {
    if (readOnly) {
      throw new Failure("the greylist in " + db.display() + " is open read-only", null);
    }
  }

  private static int run(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    }
  }

  private Failure failure(String what, SQLException e) {
    return new Failure("cannot " + what + " the greylist in " + db.display() + ": " + e.getMessage(), e);
  }
}
