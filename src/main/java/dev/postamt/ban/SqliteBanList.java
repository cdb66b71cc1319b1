package dev.postamt.ban;

import java.nio.file.Files;
import java.nio.file.Path;
import dev.postamt.sqlite.SqliteFiles;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bans in {@code data_dir/bans.db}: SQLite in WAL mode (the server and {@code postamt ban} may
 * write at the same time), one connection under a lock. Times are epoch seconds; {@code until} is NULL
 * for a permanent ban.
 *
 * <pre>
 * ban(network TEXT PRIMARY KEY, since INTEGER, until INTEGER NULL, reason TEXT, count INTEGER)  -- WITHOUT ROWID
 * </pre>
 */
public final class SqliteBanList implements BanList {
  public static final String FILE_NAME = "bans.db";
  private static final int SCHEMA_VERSION = 1;

  private final Path file;
  private final Connection db;
  private final ReentrantLock lock = new ReentrantLock();

  private SqliteBanList(Path file, Connection db) {
    this.file = file;
    this.db = db;
  }

  /** Opens (creating when missing) {@code dataDir/bans.db}. */
  public static SqliteBanList open(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      return new SqliteBanList(file, SqliteFiles.open(file, SqliteBanList::migrate));
    } catch (SQLException | java.io.IOException e) {
      throw new Failure("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  private static void migrate(Connection c) throws SQLException {
    if (SqliteFiles.schemaVersion(c, SCHEMA_VERSION, "bans.db") == SCHEMA_VERSION) {
      return;
    }
    try (Statement st = c.createStatement()) {
      st.executeUpdate(
          "CREATE TABLE IF NOT EXISTS ban(network TEXT PRIMARY KEY, since INTEGER NOT NULL, until INTEGER,"
              + " reason TEXT NOT NULL, count INTEGER NOT NULL) WITHOUT ROWID");
      st.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  @Override
  public List<Entry> all() {
    lock.lock();
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT network, since, until, reason, count FROM ban ORDER BY network")) {
      List<Entry> out = new ArrayList<>();
      while (rs.next()) {
        String network = rs.getString(1);
        Instant since = Instant.ofEpochSecond(rs.getLong(2));
        long until = rs.getLong(3);
        Optional<Instant> end = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochSecond(until));
        out.add(new Entry(network, since, end, rs.getString(4), rs.getInt(5)));
      }
      return out;
    } catch (SQLException e) {
      throw failure("read", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void put(Entry e) {
    lock.lock();
    try (PreparedStatement ps = db.prepareStatement(
        "INSERT INTO ban(network, since, until, reason, count) VALUES (?, ?, ?, ?, ?) ON CONFLICT(network) DO UPDATE"
            + " SET since = excluded.since, until = excluded.until, reason = excluded.reason, count = excluded.count")) {
      ps.setString(1, e.network());
      ps.setLong(2, e.since().getEpochSecond());
      if (e.until().isPresent()) {
        ps.setLong(3, e.until().get().getEpochSecond());
      } else {
        ps.setNull(3, java.sql.Types.INTEGER);
      }
      ps.setString(4, e.reason());
      ps.setInt(5, e.count());
      ps.executeUpdate();
    } catch (SQLException ex) {
      throw failure("write", ex);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean remove(String network) {
    lock.lock();
    try (PreparedStatement ps = db.prepareStatement("DELETE FROM ban WHERE network = ?")) {
      ps.setString(1, network);
      return ps.executeUpdate() > 0;
    } catch (SQLException e) {
      throw failure("write", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int forgetEndedBefore(Instant cutoff) {
    lock.lock();
    try (PreparedStatement ps = db.prepareStatement("DELETE FROM ban WHERE until IS NOT NULL AND until < ?")) {
      ps.setLong(1, cutoff.getEpochSecond());
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("write", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    SqliteFiles.close(db, lock);
  }

  private Failure failure(String what, SQLException e) {
    return new Failure("cannot " + what + " " + file + ": " + e.getMessage(), e);
  }
}
