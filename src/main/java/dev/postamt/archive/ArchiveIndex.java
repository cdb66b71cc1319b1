package dev.postamt.archive;

import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code archive/index.db}: one row per journal record (what search looks at, and where the record is),
 * and the legal holds. The only class that speaks SQL about the archive. The index is derived: the
 * segments are the record, and {@link JournalWriter} indexes at start whatever the segments hold beyond
 * the index's last row, so the index may use {@code synchronous=NORMAL}. Holds live only here: losing
 * {@code index.db} loses them (back it up with the segments).
 */
final class ArchiveIndex implements AutoCloseable {
  private static final int SCHEMA = 1;
  private final Connection db;
  private final ReentrantLock lock = new ReentrantLock();

  /** The last record the index knows: where the next one continues the chain. */
  record Head(long seq, String hash, String segment, long end) {}

  /** A segment as the index knows it, for the retention sweep. */
  record Segment(String name, long firstSeq, long lastSeq, String prevIn, String lastHash, long records) {}

  private ArchiveIndex(Connection db) {
    this.db = db;
  }

  static ArchiveIndex open(Path file) throws IOException {
    try {
      return new ArchiveIndex(SqliteFiles.open(file, ArchiveIndex::migrate));
    } catch (SQLException e) {
      throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  private static void migrate(Connection c) throws SQLException {
    if (SqliteFiles.schemaVersion(c, SCHEMA, "archive index.db") == SCHEMA) {
      return;
    }
    try (Statement st = c.createStatement()) {
      st.executeUpdate("""
          CREATE TABLE IF NOT EXISTS record (
            seq INTEGER PRIMARY KEY, type TEXT NOT NULL, time INTEGER NOT NULL, segment TEXT NOT NULL,
            offset INTEGER NOT NULL, data_offset INTEGER NOT NULL, size INTEGER NOT NULL, end INTEGER NOT NULL,
            prev TEXT NOT NULL, hash TEXT NOT NULL, queue_id TEXT NOT NULL, sender TEXT NOT NULL,
            recipients TEXT NOT NULL, domains TEXT NOT NULL, subject TEXT NOT NULL, message_id TEXT NOT NULL,
            client TEXT NOT NULL, helo TEXT NOT NULL, auth TEXT NOT NULL, direction TEXT NOT NULL)""");
      st.executeUpdate("CREATE INDEX IF NOT EXISTS record_time ON record(time)");
      st.executeUpdate("CREATE INDEX IF NOT EXISTS record_segment ON record(segment)");
      st.executeUpdate("CREATE TABLE IF NOT EXISTS hold (target TEXT PRIMARY KEY, since INTEGER NOT NULL,"
          + " by TEXT NOT NULL, reason TEXT NOT NULL) WITHOUT ROWID");
      st.executeUpdate("PRAGMA user_version = " + SCHEMA);
    }
  }

  /** The last record indexed, if any. */
  Optional<Head> head() throws IOException {
    return query("SELECT seq, hash, segment, end FROM record ORDER BY seq DESC LIMIT 1", List.of(),
        rs -> new Head(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4))).stream().findFirst();
  }

  /** Indexes a record ({@code m} null for a tombstone); a record already indexed is left as it is. */
  void add(JournalRecord r, ArchivedMessage m) throws IOException {
    lock.lock();
    try (PreparedStatement ps = db.prepareStatement(
        "INSERT OR IGNORE INTO record VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      int i = 0;
      ps.setLong(++i, r.seq());
      ps.setString(++i, r.type());
      ps.setLong(++i, r.time().toEpochMilli());
      ps.setString(++i, r.segment());
      ps.setLong(++i, r.offset());
      ps.setLong(++i, r.dataOffset());
      ps.setLong(++i, r.dataLength());
      ps.setLong(++i, r.end());
      ps.setString(++i, r.prev());
      ps.setString(++i, r.hash());
      ps.setString(++i, m == null ? "" : m.queueId());
      ps.setString(++i, m == null ? "" : m.sender());
      ps.setString(++i, m == null ? "," : "," + String.join(",", m.recipients()) + ",");
      ps.setString(++i, m == null ? "," : "," + String.join(",", m.domains()) + ",");
      ps.setString(++i, m == null ? "" : m.subject());
      ps.setString(++i, m == null ? "" : m.messageId());
      ps.setString(++i, m == null ? "" : m.client());
      ps.setString(++i, m == null ? "" : m.helo());
      ps.setString(++i, m == null ? "" : m.authUser());
      ps.setString(++i, m == null ? "" : m.direction());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IOException("archive index: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private static final String COLUMNS = "seq, time, queue_id, sender, recipients, subject, message_id, client, helo,"
      + " auth, direction, segment, offset, size";

  /** The messages {@code q} matches, oldest first. */
  List<ArchivedMessage> search(ArchiveQuery q) throws IOException {
    StringBuilder where = new StringBuilder("type = 'message'");
    List<Object> args = new ArrayList<>();
    for (String w : q.words()) {
      where.append(" AND (subject LIKE ? ESCAPE '\\' OR sender LIKE ? ESCAPE '\\' OR recipients LIKE ? ESCAPE '\\'"
          + " OR message_id LIKE ? ESCAPE '\\' OR queue_id LIKE ? ESCAPE '\\')");
      String like = "%" + like(w) + "%";
      args.addAll(List.of(like, like, like, like, like));
    }
    q.from().ifPresent(a -> {
      where.append(" AND sender LIKE ? ESCAPE '\\'");
      args.add(a.indexOf('@') >= 0 ? like(a) : "%@" + like(a));
    });
    q.to().ifPresent(a -> {
      where.append(" AND recipients LIKE ? ESCAPE '\\'");
      args.add(a.indexOf('@') >= 0 ? "%," + like(a) + ",%" : "%@" + like(a) + ",%");
    });
    q.domain().ifPresent(d -> {
      where.append(" AND domains LIKE ? ESCAPE '\\'");
      args.add("%," + like(d) + ",%");
    });
    q.since().ifPresent(t -> {
      where.append(" AND time >= ?");
      args.add(t.toEpochMilli());
    });
    q.until().ifPresent(t -> {
      where.append(" AND time < ?");
      args.add(t.toEpochMilli());
    });
    return query("SELECT " + COLUMNS + " FROM record WHERE " + where + " ORDER BY seq", args, ArchiveIndex::message);
  }

  /** The messages of one segment, in order. */
  List<ArchivedMessage> messagesOf(String segment) throws IOException {
    return query("SELECT " + COLUMNS + " FROM record WHERE segment = ? AND type = 'message' ORDER BY seq",
        List.of(segment), ArchiveIndex::message);
  }

  /** Every segment the index knows, in chain order. */
  List<Segment> segments() throws IOException {
    return query("""
        SELECT g.segment, g.first, g.last, g.n, f.prev, l.hash
        FROM (SELECT segment, MIN(seq) AS first, MAX(seq) AS last, COUNT(*) AS n FROM record GROUP BY segment) g
        JOIN record f ON f.seq = g.first JOIN record l ON l.seq = g.last
        ORDER BY g.first""", List.of(),
        rs -> new Segment(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(5), rs.getString(6), rs.getLong(4)));
  }

  /** Forgets the rows of a dropped segment. */
  void forgetSegment(String segment) throws IOException {
    update("DELETE FROM record WHERE segment = ?", segment);
  }

  /** The hash and segment of record {@code seq}, when indexed. */
  Optional<String[]> hashOf(long seq) throws IOException {
    return query("SELECT hash, segment FROM record WHERE seq = ?", List.of(seq),
        rs -> new String[] {rs.getString(1), rs.getString(2)}).stream().findFirst();
  }

  // ---- legal holds

  /** Adds a hold; false when one on the same target stands already. */
  boolean addHold(LegalHold h) throws IOException {
    return update("INSERT OR IGNORE INTO hold VALUES (?,?,?,?)", h.target(), h.since().toEpochMilli(), h.by(), h.reason()) > 0;
  }

  boolean removeHold(String target) throws IOException {
    return update("DELETE FROM hold WHERE target = ?", target) > 0;
  }

  List<LegalHold> holds() throws IOException {
    return query("SELECT target, since, by, reason FROM hold ORDER BY target", List.of(),
        rs -> new LegalHold(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4)));
  }

  // ----

  private static ArchivedMessage message(ResultSet rs) throws SQLException {
    String rcpts = rs.getString(5);
    List<String> recipients = rcpts.length() <= 2 ? List.of()
        : Arrays.asList(rcpts.substring(1, rcpts.length() - 1).split(","));
    return new ArchivedMessage(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
        List.copyOf(recipients), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
        rs.getString(11), rs.getString(12), rs.getLong(13), rs.getLong(14));
  }

  private static String like(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  @FunctionalInterface
  private interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> List<T> query(String sql, List<?> args, Row<T> row) throws IOException {
    lock.lock();
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row.read(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IOException("archive index: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private int update(String sql, Object... args) throws IOException {
    lock.lock();
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new IOException("archive index: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    SqliteFiles.close(db, lock);
  }
}
