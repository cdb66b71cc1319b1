package dev.postamt.quarantine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
import org.sqlite.SQLiteConfig;

/**
 * The quarantine on one machine: each message a file {@code messages/ID} (fsync'd, then renamed into
 * place, then the directory fsync'd), its envelope and reason a row of {@code quarantine.db}. The file
 * is written before the row, so a crash in between leaves a file no one lists, never a row without its
 * message; {@link #delete} removes the row first for the same reason.
 *
 * <pre>
 * data_dir/quarantine/quarantine.db   SQLite: one row per held message
 * data_dir/quarantine/messages/ID     the message as it would have been delivered (our header fields first)
 * </pre>
 *
 * <p>Schema versions ({@code PRAGMA user_version}): 1 is the first table; 2 adds {@code kind} ({@code
 * virus}, {@code attachment}, {@code spam}), existing rows reading as {@code virus}. Opening an older
 * database migrates it in place, in one transaction.
 */
public final class SqliteQuarantine implements Quarantine {
  private final Path db;
  private final HeldFiles files;

  public SqliteQuarantine(Path dir) throws IOException {
    this.files = new HeldFiles(Files.createDirectories(dir.resolve("messages")));
    this.db = dir.resolve("quarantine.db");
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.executeUpdate(
          """
          CREATE TABLE IF NOT EXISTS held (
            id TEXT PRIMARY KEY,
            held INTEGER NOT NULL,
            sender TEXT NOT NULL,
            recipients TEXT NOT NULL,
            reason TEXT NOT NULL,
            subject TEXT NOT NULL,
            client_ip TEXT NOT NULL,
            body TEXT NOT NULL,
            smtputf8 INTEGER NOT NULL,
            size INTEGER NOT NULL)""");
      migrate(c);
    } catch (SQLException e) {
      throw new IOException("cannot open " + db + ": " + e.getMessage(), e);
    }
  }

  static final int SCHEMA = 2;

  private static void migrate(Connection c) throws SQLException {
    int version;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      version = rs.next() ? rs.getInt(1) : 0;
    }
    if (version >= SCHEMA) {
      return;
    }
    boolean hasKind = false;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(held)")) {
      while (rs.next()) {
        hasKind |= rs.getString("name").equals("kind");
      }
    }
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      if (!hasKind) {
        s.executeUpdate("ALTER TABLE held ADD COLUMN kind TEXT NOT NULL DEFAULT 'virus'");
      }
      s.executeUpdate("PRAGMA user_version = " + SCHEMA);
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private Connection connect() throws SQLException {
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
    cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    cfg.setBusyTimeout(10_000);
    return cfg.createConnection("jdbc:sqlite:" + db);
  }

  @Override
  public Entry store(Entry e, InputStream message) throws IOException {
    if (find(e.id()).isPresent()) {
      throw new IOException("quarantine: " + e.id() + " is already held");
    }
    long size = files.write(e.id(), message);
    Entry stored = e.withSize(size);
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(
            "INSERT INTO held (id, held, sender, recipients, reason, subject, client_ip, body, smtputf8, size, kind)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
      ps.setString(1, stored.id());
      ps.setLong(2, stored.held().toEpochMilli());
      ps.setString(3, stored.sender());
      ps.setString(4, String.join("\n", stored.recipients()));
      ps.setString(5, stored.reason());
      ps.setString(6, stored.subject());
      ps.setString(7, stored.clientIp());
      ps.setString(8, stored.body());
      ps.setInt(9, stored.smtpUtf8() ? 1 : 0);
      ps.setLong(10, size);
      ps.setString(11, stored.kind().word());
      ps.executeUpdate();
    } catch (SQLException ex) {
      throw new IOException("quarantine: cannot record " + e.id() + ": " + ex.getMessage(), ex);
    }
    return stored;
  }

  @Override
  public List<Entry> list() throws IOException {
    return query("SELECT * FROM held ORDER BY held, id", null);
  }

  @Override
  public Optional<Entry> find(String id) throws IOException {
    if (!Quarantine.validId(id)) {
      return Optional.empty();
    }
    return query("SELECT * FROM held WHERE id = ?", id).stream().findFirst();
  }

  @Override
  public InputStream open(String id) throws IOException {
    if (find(id).isEmpty()) {
      throw new NoSuchFileException("quarantine: no message " + id);
    }
    return files.open(id);
  }

  @Override
  public boolean delete(String id) throws IOException {
    if (!Quarantine.validId(id)) {
      return false;
    }
    int rows;
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("DELETE FROM held WHERE id = ?")) {
      ps.setString(1, id);
      rows = ps.executeUpdate();
    } catch (SQLException e) {
      throw new IOException("quarantine: cannot delete " + id + ": " + e.getMessage(), e);
    }
    files.delete(id);
    return rows > 0;
  }

  @Override
  public int expire(Instant cutoff) throws IOException {
    List<String> ids = new ArrayList<>();
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT id FROM held WHERE held < ?")) {
      ps.setLong(1, cutoff.toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IOException("quarantine: " + e.getMessage(), e);
    }
    int n = 0;
    for (String id : ids) {
      n += delete(id) ? 1 : 0;
    }
    files.sweep(cutoff, id -> find(id).isPresent());
    return n;
  }

  private List<Entry> query(String sql, String arg) throws IOException {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      if (arg != null) {
        ps.setString(1, arg);
      }
      List<Entry> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(entry(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IOException("quarantine: " + e.getMessage(), e);
    }
  }

  /** The entry of a row of {@code held} (the same columns on both backends). */
  static Entry entry(ResultSet rs) throws SQLException {
    String rcpts = rs.getString("recipients");
    return new Entry(
        rs.getString("id"),
        Instant.ofEpochMilli(rs.getLong("held")),
        rs.getString("sender"),
        rcpts.isEmpty() ? List.of() : Arrays.asList(rcpts.split("\n")),
        rs.getString("reason"),
        rs.getString("subject"),
        rs.getString("client_ip"),
        rs.getString("body"),
        rs.getBoolean("smtputf8"),
        rs.getLong("size"),
        Quarantine.Kind.of(rs.getString("kind")));
  }
}
