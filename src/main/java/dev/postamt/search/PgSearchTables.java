package dev.postamt.search;

import dev.postamt.postgres.PgDatabase;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The full-text index of every user in PostgreSQL, the only class with its SQL. Tables:
 *
 * <ul>
 *   <li>{@code search_mailbox(username, mailbox, uidvalidity, uidnext, highestmodseq)}: how far each
 *       mailbox has been taken in (what {@code mb.<id>} is in a Lucene index's commit data);
 *   <li>{@code search_message(username, mailbox, uidvalidity, uid, part, h_from … h_subject, h_lines,
 *       body, words)}: one row per message ({@link PgDocument}); a message's content never changes under
 *       that key, so a row is written once ({@code ON CONFLICT DO NOTHING}) and deleted on expunge.
 * </ul>
 *
 * <p>Substrings are found with {@code LIKE} (which a {@code pg_trgm} GIN index narrows, where the
 * extension can be created) and {@code strpos}, both exact on the stored text; words with {@code @@}
 * (a GIN index on {@code words}).
 *
 * <p>Nodes: a user is indexed by one node at a time, the one holding the session advisory lock of the
 * user ({@link #claim}); every write goes through the claim, and the state rows are written in the same
 * transaction as the rows they account for, so a node that dies leaves a state at or behind the rows.
 */
final class PgSearchTables {
  private static final Logger log = LoggerFactory.getLogger(PgSearchTables.class);
  static final String OWNER = "search";
  private static final int LOCK_CLASS = 7283191;
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE search_mailbox(username TEXT NOT NULL, mailbox BIGINT NOT NULL, uidvalidity BIGINT NOT NULL,
        uidnext BIGINT NOT NULL, highestmodseq BIGINT NOT NULL, PRIMARY KEY(username, mailbox));
      CREATE TABLE search_message(username TEXT NOT NULL, mailbox BIGINT NOT NULL, uidvalidity BIGINT NOT NULL,
        uid BIGINT NOT NULL, part SMALLINT NOT NULL, h_from TEXT, h_to TEXT, h_cc TEXT, h_bcc TEXT,
        h_subject TEXT, h_lines TEXT, body TEXT, words TSVECTOR,
        PRIMARY KEY(username, mailbox, uidvalidity, uid));
      CREATE INDEX search_message_words ON search_message USING GIN(words)""");
  private static final List<String> TRIGRAM_INDEXES = List.of(
      "CREATE INDEX IF NOT EXISTS search_message_body_trgm ON search_message USING GIN(body gin_trgm_ops)",
      "CREATE INDEX IF NOT EXISTS search_message_lines_trgm ON search_message USING GIN(h_lines gin_trgm_ops)");

  /** How far a mailbox has been taken in. */
  record MailboxState(long uidValidity, long uidNext, long highestModseq) {}

  private final PgDatabase db;
  private final boolean trigrams;

  private PgSearchTables(PgDatabase db, boolean trigrams) {
    this.db = db;
    this.trigrams = trigrams;
  }

  /**
   * The tables in {@code db}, created or upgraded first, with the trigram indexes where {@code pg_trgm}
   * can be had (a trusted extension since PostgreSQL 13: the database owner may create it); without, the
   * log says so once and substring searches read the stored text of the mailbox's rows.
   */
  static PgSearchTables open(PgDatabase db) {
    db.migrate(OWNER, SCHEMA);
    boolean trigrams;
    try {
      db.transaction(c -> {
        try (Statement st = c.createStatement()) {
          st.execute("SELECT pg_advisory_xact_lock(" + LOCK_CLASS + ", 0)");
          st.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm");
          for (String sql : TRIGRAM_INDEXES) {
            st.execute(sql);
          }
        }
        return null;
      });
      trigrams = true;
    } catch (SQLException e) {
      log.warn("search: no pg_trgm in {} ({}): substring searches read each message's stored text",
          db.display(), e.getMessage());
      trigrams = false;
    }
    return new PgSearchTables(db, trigrams);
  }

  boolean trigrams() {
    return trigrams;
  }

  // ---- reading ---------------------------------------------------------------------------------------

  /** How far each mailbox of {@code user} has been taken in. */
  Map<Long, MailboxState> state(String user) throws IOException {
    try (Connection c = db.connection()) {
      return state(c, user);
    } catch (SQLException e) {
      throw failure(user, e);
    }
  }

  private static Map<Long, MailboxState> state(Connection c, String user) throws SQLException {
    Map<Long, MailboxState> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT mailbox, uidvalidity, uidnext, highestmodseq FROM search_mailbox WHERE username = ?")) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getLong(1), new MailboxState(rs.getLong(2), rs.getLong(3), rs.getLong(4)));
        }
      }
    }
    return out;
  }

  /** What the index holds of one mailbox: [0] the UIDs of its rows, [1] their {@code part} bits; the hits per key. */
  record MailboxRows(long[][] rows, Map<SubstringQuery, long[]> hits) {}

  /**
   * The rows of one mailbox at {@code uidValidity} and, per key, the UIDs whose {@code columns} (one of
   * them) contain the key's needle, all read from one snapshot; null when the state does not cover the
   * mailbox at that UIDVALIDITY.
   */
  MailboxRows substrings(String user, long mailbox, long uidValidity, Map<SubstringQuery, List<String>> columns)
      throws IOException {
    try {
      return db.transaction(c -> {
        snapshot(c);
        MailboxState st = state(c, user).get(mailbox);
        if (st == null || st.uidValidity() != uidValidity) {
          return null;
        }
        long[][] rows;
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT uid, part FROM search_message WHERE username = ? AND mailbox = ? AND uidvalidity = ? ORDER BY uid")) {
          ps.setString(1, user);
          ps.setLong(2, mailbox);
          ps.setLong(3, uidValidity);
          rows = pairs(ps);
        }
        Map<SubstringQuery, long[]> hits = new HashMap<>();
        for (var e : columns.entrySet()) {
          hits.put(e.getKey(), containing(c, user, mailbox, uidValidity, e.getValue(), e.getKey().needle()));
        }
        return new MailboxRows(rows, hits);
      });
    } catch (SQLException e) {
      throw failure(user, e);
    }
  }

  /** A read-only transaction that sees one snapshot throughout (PostgreSQL's REPEATABLE READ). */
  private static void snapshot(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    }
  }

  private static long[] containing(Connection c, String user, long mailbox, long uidValidity, List<String> columns,
      String needle) throws SQLException {
    StringBuilder where = new StringBuilder();
    for (String col : columns) {
      if (!List.of("h_from", "h_to", "h_cc", "h_bcc", "h_subject", "h_lines", "body").contains(col)) {
        throw new IllegalArgumentException("no substring column " + col);
      }
      where.append(where.isEmpty() ? "" : " OR ").append('(').append(col).append(" LIKE ? AND strpos(")
          .append(col).append(", ?) > 0)");
    }
    String like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT uid FROM search_message WHERE username = ? AND mailbox = ? AND uidvalidity = ? AND (" + where + ")")) {
      ps.setString(1, user);
      ps.setLong(2, mailbox);
      ps.setLong(3, uidValidity);
      int i = 4;
      for (int k = 0; k < columns.size(); k++) {
        ps.setString(i++, like);
        ps.setString(i++, needle);
      }
      return sortedUids(ps);
    }
  }

  /** Every row of a user's mailboxes at their indexed UIDVALIDITY, and the rows whose words match. */
  record WordRows(List<long[]> rows, List<long[]> hits) {}

  /**
   * From one snapshot: every row of {@code user} at its mailbox's indexed UIDVALIDITY ({mailbox, uid,
   * part, uidvalidity}), and the (mailbox, uid, uidvalidity) of those whose words match {@code tsquery}.
   */
  WordRows words(String user, String tsquery) throws IOException {
    try {
      return db.transaction(c -> {
        snapshot(c);
        List<long[]> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
            SELECT m.mailbox, m.uid, m.part, m.uidvalidity FROM search_message m JOIN search_mailbox s
              ON s.username = m.username AND s.mailbox = m.mailbox AND s.uidvalidity = m.uidvalidity
            WHERE m.username = ?""")) {
          ps.setString(1, user);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              rows.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getLong(4)});
            }
          }
        }
        List<long[]> hits = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT mailbox, uid, uidvalidity FROM search_message WHERE username = ? AND words @@ ?::tsquery")) {
          ps.setString(1, user);
          ps.setString(2, tsquery);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              hits.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)});
            }
          }
        }
        return new WordRows(rows, hits);
      });
    } catch (SQLException e) {
      throw failure(user, e);
    }
  }

  /** The users with an index. */
  List<String> users() throws IOException {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
        "SELECT DISTINCT username FROM search_mailbox ORDER BY username")) {
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("the users", e);
    }
  }

  // ---- writing, under a claim -------------------------------------------------------------------------

  /**
   * The right to write {@code user}'s index: a pooled connection holding the session advisory lock of
   * the user, waited for up to {@code waitMillis} (0: not at all); null when another node or thread
   * holds it that long.
   */
  Claim claim(String user, long waitMillis) throws IOException {
    Connection c = null;
    try {
      c = db.connection();
      boolean got;
      if (waitMillis <= 0) {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(" + LOCK_CLASS + ", hashtext(?))")) {
          ps.setString(1, user);
          try (ResultSet rs = ps.executeQuery()) {
            got = rs.next() && rs.getBoolean(1);
          }
        }
      } else {
        got = waitLock(c, user, waitMillis);
      }
      if (!got) {
        c.close();
        return null;
      }
      return new Claim(c, user);
    } catch (SQLException e) {
      if (c != null) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // failing anyway
        }
      }
      throw failure(user, e);
    }
  }

  private static boolean waitLock(Connection c, String user, long waitMillis) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET lock_timeout = " + Math.min(waitMillis, Integer.MAX_VALUE));
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(" + LOCK_CLASS + ", hashtext(?))")) {
      ps.setString(1, user);
      ps.execute();
      return true;
    } catch (SQLException e) {
      if ("55P03".equals(e.getSQLState())) {
        return false; // lock_not_available: the wait ran out
      }
      throw e;
    } finally {
      try (Statement st = c.createStatement()) {
        st.execute("RESET lock_timeout");
      }
    }
  }

  /** One user's index being written by this thread; closing it releases the lock. */
  final class Claim implements AutoCloseable {
    private final Connection c;
    private final String user;

    private Claim(Connection c, String user) {
      this.c = c;
      this.user = user;
    }

    /** The state as it is now (read under the claim, so no other node changes it meanwhile). */
    Map<Long, MailboxState> state() throws IOException {
      try {
        return PgSearchTables.state(c, user);
      } catch (SQLException e) {
        throw failure(user, e);
      }
    }

    /** The UIDs of one mailbox's rows, sorted (expunges without the store's history). */
    long[] uids(long mailbox, long uidValidity) throws IOException {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT uid, part FROM search_message WHERE username = ? AND mailbox = ? AND uidvalidity = ? ORDER BY uid")) {
        ps.setString(1, user);
        ps.setLong(2, mailbox);
        ps.setLong(3, uidValidity);
        return pairs(ps)[0];
      } catch (SQLException e) {
        throw failure(user, e);
      }
    }

    /**
     * In one transaction: the rows of {@code mailbox} other than those of {@code uidValidity} and those
     * of {@code gone} removed, {@code docs} added (by UID; a row already there is kept), and the state
     * set to {@code state}, or, when null, the mailbox forgotten with all its rows.
     */
    void write(long mailbox, long uidValidity, long[] gone, Map<Long, PgDocument> docs, MailboxState state)
        throws IOException {
      try {
        c.setAutoCommit(false);
        try {
          writeLocked(mailbox, uidValidity, gone, docs, state);
          c.commit();
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      } catch (SQLException e) {
        throw failure(user, e);
      }
    }

    private void writeLocked(long mailbox, long uidValidity, long[] gone, Map<Long, PgDocument> docs,
        MailboxState state) throws SQLException {
      if (state == null) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM search_message WHERE username = ? AND mailbox = ?");
            PreparedStatement st = c.prepareStatement("DELETE FROM search_mailbox WHERE username = ? AND mailbox = ?")) {
          for (PreparedStatement p : List.of(ps, st)) {
            p.setString(1, user);
            p.setLong(2, mailbox);
            p.executeUpdate();
          }
        }
        return;
      }
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM search_message WHERE username = ? AND mailbox = ? AND uidvalidity <> ?")) {
        ps.setString(1, user);
        ps.setLong(2, mailbox);
        ps.setLong(3, uidValidity);
        ps.executeUpdate();
      }
      if (gone.length > 0) {
        try (PreparedStatement ps = c.prepareStatement(
            "DELETE FROM search_message WHERE username = ? AND mailbox = ? AND uidvalidity = ? AND uid = ANY(?)")) {
          ps.setString(1, user);
          ps.setLong(2, mailbox);
          ps.setLong(3, uidValidity);
          ps.setArray(4, c.createArrayOf("bigint", Arrays.stream(gone).boxed().toArray()));
          ps.executeUpdate();
        }
      }
      if (!docs.isEmpty()) {
        try (PreparedStatement ps = c.prepareStatement("""
            INSERT INTO search_message(username, mailbox, uidvalidity, uid, part, h_from, h_to, h_cc, h_bcc,
              h_subject, h_lines, body, words) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::tsvector)
            ON CONFLICT DO NOTHING""")) {
          for (var e : docs.entrySet()) {
            PgDocument d = e.getValue();
            ps.setString(1, user);
            ps.setLong(2, mailbox);
            ps.setLong(3, uidValidity);
            ps.setLong(4, e.getKey());
            ps.setInt(5, d.part());
            int i = 6;
            for (String f : SubstringQuery.HEADER_FIELDS) {
              ps.setString(i++, d.headers().get(f));
            }
            ps.setString(11, d.lines());
            ps.setString(12, d.body());
            ps.setString(13, d.words());
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      try (PreparedStatement ps = c.prepareStatement("""
          INSERT INTO search_mailbox(username, mailbox, uidvalidity, uidnext, highestmodseq) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (username, mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity,
            uidnext = excluded.uidnext, highestmodseq = excluded.highestmodseq""")) {
        ps.setString(1, user);
        ps.setLong(2, mailbox);
        ps.setLong(3, state.uidValidity());
        ps.setLong(4, state.uidNext());
        ps.setLong(5, state.highestModseq());
        ps.executeUpdate();
      }
    }

    /** Forgets the user's whole index (a rebuild starts from nothing). */
    void forget() throws IOException {
      try {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM search_message WHERE username = ?");
            PreparedStatement st = c.prepareStatement("DELETE FROM search_mailbox WHERE username = ?")) {
          for (PreparedStatement p : List.of(ps, st)) {
            p.setString(1, user);
            p.executeUpdate();
          }
          c.commit();
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      } catch (SQLException e) {
        throw failure(user, e);
      }
    }

    @Override
    public void close() {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(" + LOCK_CLASS + ", hashtext(?))")) {
        ps.setString(1, user);
        ps.execute();
      } catch (SQLException e) {
        log.warn("search: {}: releasing the index lock: {}", user, e.getMessage());
        try {
          c.abort(Runnable::run); // the pool replaces the connection, and the session's lock goes with it
        } catch (SQLException ignored) {
          // closed below
        }
      } finally {
        try {
          c.close();
        } catch (SQLException ignored) {
          // returned or dropped
        }
      }
    }
  }

  private static long[][] pairs(PreparedStatement ps) throws SQLException {
    long[] uids = new long[64];
    long[] parts = new long[64];
    int n = 0;
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (n == uids.length) {
          uids = Arrays.copyOf(uids, n * 2);
          parts = Arrays.copyOf(parts, n * 2);
        }
        uids[n] = rs.getLong(1);
        parts[n++] = rs.getInt(2);
      }
    }
    return new long[][] {Arrays.copyOf(uids, n), Arrays.copyOf(parts, n)};
  }

  private static long[] sortedUids(PreparedStatement ps) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    long[] r = out.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(r);
    return r;
  }

  private static IOException failure(String user, SQLException e) {
    return new IOException("search index of " + user + ": " + e.getMessage(), e);
  }
}
