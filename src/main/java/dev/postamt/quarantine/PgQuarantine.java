package dev.postamt.quarantine;

import dev.postamt.postgres.PgDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The quarantine index in PostgreSQL, shared by every node: {@code postamt quarantine list} on any node
 * shows what every node holds. The held messages' files stay on the node that held them, under {@code
 * data_dir/quarantine/messages} as with SQLite ({@link HeldFiles}); {@code show}, {@code release} and
 * {@code delete} of the message itself are done on that node (another node's {@link #open} says the file
 * is not here). The only class with the PostgreSQL quarantine SQL; the table is {@link SqliteQuarantine}'s
 * {@code held} with a prefix, same columns:
 *
 * <pre>
 * quarantine_held(id TEXT PRIMARY KEY, held BIGINT, sender TEXT, recipients TEXT, reason TEXT, subject TEXT,
 *   client_ip TEXT, body TEXT, smtputf8 BOOLEAN, size BIGINT, kind TEXT)   -- held: epoch ms; recipients: one a line
 * </pre>
 *
 * <p>Nodes acting at once: an id is held once (the primary key; the second {@link #store} fails and its
 * SMTP session answers 451, so the message is not lost); a row is deleted by one {@code DELETE}, so two
 * nodes expiring or deleting together count each entry once. Expiry deletes every node's old rows; each
 * node's own run then removes its files whose rows are gone (deleted or expired by any node) once they are
 * an hour old ({@link HeldFiles#sweep}).
 */
public final class PgQuarantine implements Quarantine {
  static final String OWNER = "quarantine";
  private static final List<String> SCHEMA = List.of("""
      CREATE TABLE quarantine_held(id TEXT PRIMARY KEY, held BIGINT NOT NULL, sender TEXT NOT NULL,
        recipients TEXT NOT NULL, reason TEXT NOT NULL, subject TEXT NOT NULL, client_ip TEXT NOT NULL,
        body TEXT NOT NULL, smtputf8 BOOLEAN NOT NULL, size BIGINT NOT NULL, kind TEXT NOT NULL DEFAULT 'virus');
      CREATE INDEX quarantine_held_held ON quarantine_held(held)""");
  private static final String COLUMNS = "id, held, sender, recipients, reason, subject, client_ip, body, smtputf8, size, kind";

  private static final java.time.Duration SWEEP_GRACE = java.time.Duration.ofHours(1);

  private final PgDatabase db;
  private final HeldFiles files;

  private PgQuarantine(PgDatabase db, Path dir) {
    this.db = db;
    this.files = new HeldFiles(dir.resolve("messages"));
  }

  /**
   * The quarantine index in {@code db} (its table created or upgraded first), with this node's message
   * files under {@code dir} ({@code data_dir/quarantine}; created when the first message is held).
   */
  public static PgQuarantine open(PgDatabase db, Path dir) throws IOException {
    try {
      db.migrate(OWNER, SCHEMA);
    } catch (PgDatabase.Failure e) {
      throw new IOException(e.getMessage(), e);
    }
    return new PgQuarantine(db, dir);
  }

  @Override
  public Entry store(Entry e, InputStream message) throws IOException {
    if (find(e.id()).isPresent()) {
      throw new IOException("quarantine: " + e.id() + " is already held");
    }
    long size = files.write(e.id(), message);
    Entry stored = e.withSize(size);
    int rows;
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO quarantine_held (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING")) {
      ps.setString(1, stored.id());
      ps.setLong(2, stored.held().toEpochMilli());
      ps.setString(3, stored.sender());
      ps.setString(4, String.join("\n", stored.recipients()));
      ps.setString(5, stored.reason());
      ps.setString(6, stored.subject());
      ps.setString(7, stored.clientIp());
      ps.setString(8, stored.body());
      ps.setBoolean(9, stored.smtpUtf8());
      ps.setLong(10, size);
      ps.setString(11, stored.kind().word());
      rows = ps.executeUpdate();
    } catch (SQLException ex) {
      throw new IOException("quarantine: cannot record " + e.id() + " in " + db.display() + ": " + ex.getMessage(), ex);
    }
    if (rows == 0) {
      // another node held the same id meanwhile; the file is left for the sweep (it may be that node's own)
      throw new IOException("quarantine: " + e.id() + " is already held");
    }
    return stored;
  }

  @Override
  public List<Entry> list() throws IOException {
    return query("SELECT " + COLUMNS + " FROM quarantine_held ORDER BY held, id COLLATE \"C\"", null);
  }

  @Override
  public Optional<Entry> find(String id) throws IOException {
    if (!Quarantine.validId(id)) {
      return Optional.empty();
    }
    return query("SELECT " + COLUMNS + " FROM quarantine_held WHERE id = ?", id).stream().findFirst();
  }

  @Override
  public InputStream open(String id) throws IOException {
    if (find(id).isEmpty()) {
      throw new NoSuchFileException("quarantine: no message " + id);
    }
    if (!files.exists(id)) {
      throw new NoSuchFileException("quarantine: " + id + " is held on another node (its message is not in "
          + files.dir() + "); run the command there");
    }
    return files.open(id);
  }

  @Override
  public boolean delete(String id) throws IOException {
    if (!Quarantine.validId(id)) {
      return false;
    }
    int rows;
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("DELETE FROM quarantine_held WHERE id = ?")) {
      ps.setString(1, id);
      rows = ps.executeUpdate();
    } catch (SQLException e) {
      throw new IOException("quarantine: cannot delete " + id + " in " + db.display() + ": " + e.getMessage(), e);
    }
    files.delete(id);
    return rows > 0;
  }

  @Override
  public int expire(Instant cutoff) throws IOException {
    List<String> ids = new ArrayList<>();
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT id FROM quarantine_held WHERE held < ?")) {
      ps.setLong(1, cutoff.toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IOException("quarantine: " + db.display() + ": " + e.getMessage(), e);
    }
    int n = 0;
    for (String id : ids) {
      n += delete(id) ? 1 : 0;
    }
    // another node may have deleted the rows of this node's files at any time: those go after an hour, not
    // after the retention (the hour leaves alone a file whose row is still being written)
    Instant grace = Instant.now().minus(SWEEP_GRACE);
    files.sweep(cutoff.isAfter(grace) ? cutoff : grace, id -> find(id).isPresent());
    return n;
  }

  private List<Entry> query(String sql, String arg) throws IOException {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
      if (arg != null) {
        ps.setString(1, arg);
      }
      List<Entry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(SqliteQuarantine.entry(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IOException("quarantine: " + db.display() + ": " + e.getMessage(), e);
    }
  }
}
