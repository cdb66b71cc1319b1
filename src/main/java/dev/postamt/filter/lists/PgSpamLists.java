package dev.postamt.filter.lists;

import dev.postamt.postgres.CachedReads;
import dev.postamt.postgres.PgDatabase;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The white- and blacklists in PostgreSQL, shared by every node: an entry added with {@code postamt spam
 * lists add} on one node, or an address a user wrote to through another, counts on all of them at the next
 * scan. The entries a scan asks for ({@link #entries}) are kept per user until a change is heard of
 * ({@link CachedReads}: adding and removing send {@code NOTIFY postamt_spamlists} in their transaction), so
 * another node's change counts within milliseconds; the written-to addresses are read each time. The only class with the PostgreSQL list SQL; the
 * tables are {@link SqliteSpamLists}' with a {@code spamlist_} prefix and the same columns, so that {@code
 * postamt migrate} copies them by name ({@code user} is a reserved word in PostgreSQL, hence quoted):
 *
 * <pre>
 * spamlist_entry("user" TEXT, kind TEXT, pattern TEXT, PRIMARY KEY("user", kind, pattern))   -- "" = global
 * spamlist_written("user" TEXT, address TEXT, last BIGINT, PRIMARY KEY("user", address))     -- epoch seconds
 * </pre>
 *
 * <p>Nodes acting at once: adding and removing are single statements ({@code INSERT … ON CONFLICT DO
 * NOTHING}, {@code DELETE}), so of two nodes adding the same entry exactly one is told it was new; the
 * recipients a user wrote to are upserted in address order in one transaction, so two nodes remembering
 * overlapping lists lock rows in the same order (a deadlock anyway is retried by {@link
 * PgDatabase#transaction}).
 */
public final class PgSpamLists implements SpamListStore {
  static final String OWNER = "spamlists";
  private static final List<String> SCHEMA = List.of("""
      CREATE TABLE spamlist_entry("user" TEXT NOT NULL, kind TEXT NOT NULL, pattern TEXT NOT NULL,
        PRIMARY KEY("user", kind, pattern));
      CREATE TABLE spamlist_written("user" TEXT NOT NULL, address TEXT NOT NULL, last BIGINT NOT NULL,
        PRIMARY KEY("user", address))""");

  private final PgDatabase db;
  private final CachedReads<List<Entry>> cache;

  private PgSpamLists(PgDatabase db) {
    this.db = db;
    this.cache = CachedReads.of(db, "postamt_spamlists");
  }

  /** The lists in {@code db}, their tables created or upgraded first. */
  public static PgSpamLists open(PgDatabase db) throws IOException {
    try {
      db.migrate(OWNER, SCHEMA);
    } catch (PgDatabase.Failure e) {
      throw new IOException(e.getMessage(), e);
    }
    return new PgSpamLists(db);
  }

  @Override
  public List<Entry> entries(String user) throws IOException {
    return cache.get(user == null ? "" : user, () -> List.copyOf(read(user)));
  }

  private List<Entry> read(String user) throws IOException {
    // ORDER BY with COLLATE "C": the byte order SQLite sorts TEXT in, whatever the database's locale
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
        "SELECT \"user\", kind, pattern FROM spamlist_entry WHERE \"user\" = '' OR \"user\" = ?"
            + " ORDER BY \"user\" COLLATE \"C\", kind COLLATE \"C\", pattern COLLATE \"C\"")) {
      ps.setString(1, user == null ? "" : user);
      try (ResultSet rs = ps.executeQuery()) {
        return EntryRows.read(rs);
      }
    } catch (SQLException e) {
      throw failure("read", e);
    }
  }

  @Override
  public boolean add(Entry entry) throws IOException {
    return change("INSERT INTO spamlist_entry(\"user\", kind, pattern) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", entry) == 1;
  }

  @Override
  public boolean remove(Entry entry) throws IOException {
    return change("DELETE FROM spamlist_entry WHERE \"user\" = ? AND kind = ? AND pattern = ?", entry) == 1;
  }

  private int change(String sql, Entry entry) throws IOException {
    try {
      return db.transaction(c -> {
        int n;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setString(1, entry.user());
          ps.setString(2, entry.kind().name());
          ps.setString(3, entry.pattern());
          n = ps.executeUpdate();
        }
        if (n > 0) {
          cache.notifyIn(c);
        }
        return n;
      });
    } catch (SQLException e) {
      throw failure("change", e);
    } finally {
      cache.changed();
    }
  }

  @Override
  public void remember(String user, List<String> addresses, Instant when) throws IOException {
    if (addresses.isEmpty()) {
      return;
    }
    List<String> sorted = addresses.stream().distinct().sorted().toList();
    try {
      db.transaction(c -> {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO spamlist_written(\"user\", address, last)"
            + " VALUES (?, ?, ?) ON CONFLICT (\"user\", address) DO UPDATE SET last = excluded.last")) {
          for (String a : sorted) {
            ps.setString(1, user);
            ps.setString(2, a);
            ps.setLong(3, when.getEpochSecond());
            ps.addBatch();
          }
          ps.executeBatch();
        }
        return null;
      });
    } catch (SQLException e) {
      throw failure("remember recipients in", e);
    }
  }

  @Override
  public boolean remembered(String user, String address) throws IOException {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement("SELECT 1 FROM spamlist_written WHERE \"user\" = ? AND address = ?")) {
      ps.setString(1, user);
      ps.setString(2, address);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw failure("read", e);
    }
  }

  @Override
  public int rememberedCount(String user) throws IOException {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM spamlist_written WHERE \"user\" = ?")) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
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
    return new IOException("cannot " + what + " the spam lists in " + db.display() + ": " + e.getMessage(), e);
  }
}
