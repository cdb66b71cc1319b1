package dev.postamt.sieve.store;

import dev.postamt.sieve.store.SieveStoreException.Kind;
import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Users' vacation auto-replies in SQLite at {@code data_dir/vacation-responses.db}, the one class holding their
 * SQL. WAL mode with a busy timeout (the CLI and a running server share the file), one connection under
 * a lock, no cache: a change is seen by the next delivery.
 *
 * <pre>
 *   vacations(user PK, enabled 0/1, from_date, to_date, subject, text_body, html_body)   dates ISO-8601 or NULL
 * </pre>
 */
public final class SqliteVacations implements Vacations {
  public static final String FILE_NAME = "vacation-responses.db";
  static final int SCHEMA_VERSION = 1;

  private final Connection db;
  private final ReentrantLock lock = new ReentrantLock();

  private SqliteVacations(Connection db) {
    this.db = db;
  }

  /** Opens (creating when missing) {@code dataDir/vacation-responses.db}. */
  public static SqliteVacations open(Path dataDir) throws SieveStoreException {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      return new SqliteVacations(SqliteFiles.open(file, SqliteVacations::migrate));
    } catch (SQLException | IOException e) {
      throw new SieveStoreException(Kind.STORAGE, "cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  private static void migrate(Connection c) throws SQLException {
    if (SqliteFiles.schemaVersion(c, SCHEMA_VERSION, FILE_NAME) == SCHEMA_VERSION) {
      return;
    }
    try (Statement st = c.createStatement()) {
      st.execute("""
          CREATE TABLE IF NOT EXISTS vacations (
            user      TEXT PRIMARY KEY,
            enabled   INTEGER NOT NULL,
            from_date TEXT,
            to_date   TEXT,
            subject   TEXT,
            text_body TEXT,
            html_body TEXT
          )""");
      st.execute("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }

  @Override
  public Vacation get(String user) throws SieveStoreException {
    lock.lock();
    try (PreparedStatement ps = db.prepareStatement(
        "SELECT enabled, from_date, to_date, subject, text_body, html_body FROM vacations WHERE user = ?")) {
      ps.setString(1, key(user));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Vacation.OFF;
        }
        return new Vacation(rs.getInt(1) != 0, instant(rs.getString(2)), instant(rs.getString(3)), rs.getString(4),
            rs.getString(5), rs.getString(6));
      }
    } catch (SQLException e) {
      throw new SieveStoreException(Kind.STORAGE, "cannot read the vacation of " + user + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void set(String user, Vacation v) throws SieveStoreException {
    lock.lock();
    try (PreparedStatement ps = db.prepareStatement("""
        INSERT INTO vacations (user, enabled, from_date, to_date, subject, text_body, html_body)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (user) DO UPDATE SET enabled = excluded.enabled, from_date = excluded.from_date,
          to_date = excluded.to_date, subject = excluded.subject, text_body = excluded.text_body,
          html_body = excluded.html_body""")) {
      ps.setString(1, key(user));
      ps.setInt(2, v.enabled() ? 1 : 0);
      ps.setString(3, v.fromDate() == null ? null : v.fromDate().toString());
      ps.setString(4, v.toDate() == null ? null : v.toDate().toString());
      ps.setString(5, v.subject());
      ps.setString(6, v.textBody());
      ps.setString(7, v.htmlBody());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new SieveStoreException(Kind.STORAGE, "cannot store the vacation of " + user + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private static Instant instant(String s) {
    return s == null ? null : Instant.parse(s);
  }

  private static String key(String user) {
    return user.toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    SqliteFiles.close(db, lock);
  }
}
