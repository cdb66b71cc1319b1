package dev.postamt.ban;

import dev.postamt.postgres.PgDatabase;
import dev.postamt.postgres.PgNotifications;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ban list in PostgreSQL, shared by every node: a client banned on one node is refused by all of them
 * within moments, as each write sends a {@code NOTIFY} on {@value #CHANNEL} and every node's {@link Bans}
 * reloads its copy. The only class with the PostgreSQL ban SQL; times
 * in epoch seconds as in {@link SqliteBanList}.
 *
 * <pre>
 * ban(network TEXT PRIMARY KEY, since BIGINT, until BIGINT NULL, reason TEXT, count INTEGER)
 * </pre>
 */
public final class PgBanList implements BanList {
  static final String OWNER = "ban";
  /** Sent with the network as payload whenever a ban is added, changed or lifted. */
  static final String CHANNEL = "postamt_bans";
  private static final List<String> SCHEMA = List.of(
      "CREATE TABLE ban(network TEXT PRIMARY KEY, since BIGINT NOT NULL, until BIGINT, reason TEXT NOT NULL,"
          + " count INTEGER NOT NULL)");

  private final PgDatabase db;

  private PgBanList(PgDatabase db) {
    this.db = db;
  }

  /** The ban list in {@code db}, its table created or upgraded first. */
  public static PgBanList open(PgDatabase db) {
    try {
      db.migrate(OWNER, SCHEMA);
    } catch (PgDatabase.Failure e) {
      throw new Failure(e.getMessage(), e);
    }
    return new PgBanList(db);
  }

  /** Every node reads the list again when any node adds or lifts a ban. */
  @Override
  public void onChange(Runnable reload) {
    db.notifications().listen(CHANNEL, payload -> reload.run());
  }

  @Override
  public List<Entry> all() {
    try (Connection c = db.connection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT network, since, until, reason, count FROM ban ORDER BY network")) {
      List<Entry> out = new ArrayList<>();
      while (rs.next()) {
        long until = rs.getLong(3);
        Optional<Instant> end = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochSecond(until));
        out.add(new Entry(rs.getString(1), Instant.ofEpochSecond(rs.getLong(2)), end, rs.getString(4), rs.getInt(5)));
      }
      return out;
    } catch (SQLException e) {
      throw failure("read", e);
    }
  }

  @Override
  public void put(Entry e) {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO ban(network, since, until, reason, count) VALUES (?, ?, ?, ?, ?) ON CONFLICT (network) DO UPDATE"
            + " SET since = excluded.since, until = excluded.until, reason = excluded.reason, count = excluded.count")) {
      ps.setString(1, e.network());
      ps.setLong(2, e.since().getEpochSecond());
      if (e.until().isPresent()) {
        ps.setLong(3, e.until().get().getEpochSecond());
      } else {
        ps.setNull(3, java.sql.Types.BIGINT);
      }
      ps.setString(4, e.reason());
      ps.setInt(5, e.count());
      ps.executeUpdate();
      PgNotifications.notify(c, CHANNEL, e.network());
    } catch (SQLException ex) {
      throw failure("write", ex);
    }
  }

  @Override
  public boolean remove(String network) {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("DELETE FROM ban WHERE network = ?")) {
      ps.setString(1, network);
      boolean removed = ps.executeUpdate() > 0;
      if (removed) {
        PgNotifications.notify(c, CHANNEL, network);
      }
      return removed;
    } catch (SQLException e) {
      throw failure("write", e);
    }
  }

  @Override
  public int forgetEndedBefore(Instant cutoff) {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM ban WHERE until IS NOT NULL AND until < ?")) {
      ps.setLong(1, cutoff.getEpochSecond());
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("write", e);
    }
  }

  @Override
  public void close() {
    // the pool belongs to the process
  }

  private Failure failure(String what, SQLException e) {
    return new Failure("cannot " + what + " the ban list in " + db.display() + ": " + e.getMessage(), e);
  }
}
