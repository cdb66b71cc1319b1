package dev.postamt.events;

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
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The trail in SQLite, {@code data_dir/trail.db}: table {@code trail} (one row per event, indexed by
 * time, queue id, session and Message-ID) and table {@code trail_address} (one row per address an event
 * names, indexed by address and domain, for lookups by sender or recipient and for the console's
 * per-domain scope). The only SQL of the trail.
 */
public final class SqliteTrailStore implements TrailStore {
  static final String FILE = "trail.db";
  private static final int SCHEMA = 1;

  private final Connection db;
  private final ReentrantLock lock = new ReentrantLock();

  private SqliteTrailStore(Connection db) {
    this.db = db;
  }

  /** Opens (creating when missing) the trail of {@code dataDir}. */
  public static SqliteTrailStore open(Path dataDir) throws Failure {
    try {
      return new SqliteTrailStore(SqliteFiles.open(dataDir.resolve(FILE), SqliteTrailStore::migrate));
    } catch (SQLException | IOException e) {
      throw new Failure("cannot open " + dataDir.resolve(FILE) + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code dataDir} has a trail at all (the CLI then need not create one to say "nothing"). */
  public static boolean exists(Path dataDir) {
    return java.nio.file.Files.exists(dataDir.resolve(FILE));
  }

  private static void migrate(Connection c) throws SQLException {
    int v = SqliteFiles.schemaVersion(c, SCHEMA, FILE);
    if (v >= SCHEMA) {
      return;
    }
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS trail(id INTEGER PRIMARY KEY, time INTEGER NOT NULL, event TEXT NOT NULL,"
          + " session TEXT, queue_id TEXT, message_id TEXT, sender TEXT, recipients TEXT NOT NULL, fields TEXT NOT NULL)");
      st.execute("CREATE INDEX IF NOT EXISTS trail_time ON trail(time)");
      st.execute("CREATE INDEX IF NOT EXISTS trail_queue ON trail(queue_id)");
      st.execute("CREATE INDEX IF NOT EXISTS trail_session ON trail(session)");
      st.execute("CREATE INDEX IF NOT EXISTS trail_message ON trail(message_id)");
      st.execute("CREATE TABLE IF NOT EXISTS trail_address(address TEXT NOT NULL, domain TEXT NOT NULL, time INTEGER NOT NULL,"
          + " session TEXT, queue_id TEXT)");
      st.execute("CREATE INDEX IF NOT EXISTS trail_address_address ON trail_address(address, time)");
      st.execute("CREATE INDEX IF NOT EXISTS trail_address_domain ON trail_address(domain, time)");
      st.execute("CREATE INDEX IF NOT EXISTS trail_address_time ON trail_address(time)");
      st.execute("PRAGMA user_version = " + SCHEMA);
    }
  }

  @Override
  public void append(List<TrailRecord> records) throws Failure {
    lock.lock();
    try {
      db.setAutoCommit(false);
      try (PreparedStatement row = db.prepareStatement("INSERT INTO trail(time, event, session, queue_id, message_id, sender,"
              + " recipients, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
          PreparedStatement addr = db.prepareStatement(
              "INSERT INTO trail_address(address, domain, time, session, queue_id) VALUES (?, ?, ?, ?, ?)")) {
        for (TrailRecord r : records) {
          TrailKey k = r.key();
          row.setLong(1, r.time().toEpochMilli());
          row.setString(2, r.event());
          row.setString(3, k.session());
          row.setString(4, k.queueId());
          row.setString(5, k.messageId());
          row.setString(6, k.sender());
          row.setString(7, String.join("\n", k.recipients()));
          row.setString(8, FieldsJson.write(r.fields()));
          row.addBatch();
          Set<String> addresses = new LinkedHashSet<>();
          if (k.sender() != null && !k.sender().isEmpty()) {
            addresses.add(k.sender().toLowerCase(Locale.ROOT));
          }
          k.recipients().forEach(a -> addresses.add(a.toLowerCase(Locale.ROOT)));
          for (String a : addresses) {
            addr.setString(1, a);
            addr.setString(2, TrailKey.domainOf(a));
            addr.setLong(3, r.time().toEpochMilli());
            addr.setString(4, k.session());
            addr.setString(5, k.queueId());
            addr.addBatch();
          }
        }
        row.executeBatch();
        addr.executeBatch();
        db.commit();
      } catch (SQLException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new Failure("trail: cannot write: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Set<Link> linksOfId(String key, Instant since) throws Failure {
    String mid = TrailKey.normalizeMessageId(key);
    return links("SELECT DISTINCT session, queue_id FROM trail WHERE (queue_id = ? OR message_id = ?) AND time >= ?",
        key.strip(), mid == null ? "" : mid, since.toEpochMilli());
  }

  @Override
  public Set<Link> linksOfAddress(String address, Instant since) throws Failure {
    String a = address.strip();
    if (a.startsWith("<") && a.endsWith(">")) {
      a = a.substring(1, a.length() - 1);
    }
    return links("SELECT DISTINCT session, queue_id FROM trail_address WHERE address = ? AND time >= ?",
        a.toLowerCase(Locale.ROOT), since.toEpochMilli());
  }

  @Override
  public List<Link> recent(Collection<String> domains, Instant since, int limit) throws Failure {
    StringBuilder sql = new StringBuilder("SELECT session, queue_id, MAX(time) AS t FROM trail_address WHERE time >= ?");
    List<Object> args = new ArrayList<>(List.of(since.toEpochMilli()));
    if (domains != null) {
      if (domains.isEmpty()) {
        return List.of();
      }
      sql.append(" AND domain IN (").append("?,".repeat(domains.size() - 1)).append("?)");
      domains.forEach(d -> args.add(d.toLowerCase(Locale.ROOT)));
    }
    sql.append(" GROUP BY session, queue_id ORDER BY t DESC LIMIT ?");
    args.add(limit);
    return List.copyOf(links(sql.toString(), args.toArray()));
  }

  private Set<Link> links(String sql, Object... args) throws Failure {
    lock.lock();
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      bind(ps, args);
      Set<Link> out = new LinkedHashSet<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Link(rs.getString(1), rs.getString(2)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new Failure("trail: cannot read: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<TrailRecord> rows(Collection<String> queueIds, Collection<String> sessions, Instant since) throws Failure {
    if (queueIds.isEmpty() && sessions.isEmpty()) {
      return List.of();
    }
    List<Object> args = new ArrayList<>();
    List<String> or = new ArrayList<>();
    if (!queueIds.isEmpty()) {
      or.add("queue_id IN (" + "?,".repeat(queueIds.size() - 1) + "?)");
      args.addAll(queueIds);
    }
    if (!sessions.isEmpty()) {
      or.add("session IN (" + "?,".repeat(sessions.size() - 1) + "?)");
      args.addAll(sessions);
    }
    args.add(since.toEpochMilli());
    String sql = "SELECT time, event, session, queue_id, message_id, sender, recipients, fields FROM trail WHERE ("
        + String.join(" OR ", or) + ") AND time >= ? ORDER BY time, id";
    lock.lock();
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      bind(ps, args.toArray());
      List<TrailRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String rcpts = rs.getString(7);
          TrailKey k = new TrailKey(rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
              rcpts == null || rcpts.isEmpty() ? List.of() : List.of(rcpts.split("\n")));
          out.add(new TrailRecord(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), k, FieldsJson.read(rs.getString(8))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new Failure("trail: cannot read: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int deleteBefore(Instant cutoff) throws Failure {
    lock.lock();
    try (PreparedStatement a = db.prepareStatement("DELETE FROM trail_address WHERE time < ?");
        PreparedStatement t = db.prepareStatement("DELETE FROM trail WHERE time < ?")) {
      a.setLong(1, cutoff.toEpochMilli());
      a.executeUpdate();
      t.setLong(1, cutoff.toEpochMilli());
      return t.executeUpdate();
    } catch (SQLException e) {
      throw new Failure("trail: cannot delete old rows: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      if (args[i] instanceof Long l) {
        ps.setLong(i + 1, l);
      } else if (args[i] instanceof Integer n) {
        ps.setInt(i + 1, n);
      } else {
        ps.setString(i + 1, (String) args[i]);
      }
    }
  }

  @Override
  public void close() {
    SqliteFiles.close(db, lock);
  }
}
