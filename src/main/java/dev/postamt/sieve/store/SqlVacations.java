package dev.postamt.sieve.store;

import dev.postamt.postgres.CachedReads;
import dev.postamt.postgres.Connections;
import dev.postamt.sieve.store.SieveStoreException.Kind;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;

/**
 * Users' vacation auto-replies, the one class holding their SQL, on SQLite ({@link SqliteVacations}) or
 * PostgreSQL ({@link PgVacations}). What delivery asks per message is kept ({@link CachedReads}): on SQLite
 * while the file's {@code data_version} says no other connection committed (a change by the CLI is seen at
 * the next delivery), on PostgreSQL until a change is heard of ({@link #set} sends {@code NOTIFY
 * postamt_vacation} in its transaction), so a change is seen by the next delivery on this node and within
 * milliseconds on the others.
 *
 * <pre>
 *   vacations(owner PK, enabled 0/1, from_date, to_date, subject, text_body, html_body)   dates ISO-8601 or NULL
 * </pre>
 */
public class SqlVacations implements Vacations {
  static final String TABLE = """
      CREATE TABLE IF NOT EXISTS vacations (
        owner     TEXT PRIMARY KEY,
        enabled   INTEGER NOT NULL,
        from_date TEXT,
        to_date   TEXT,
        subject   TEXT,
        text_body TEXT,
        html_body TEXT
      )""";

  private final Connections db;
  private final CachedReads<Vacation> cache;

  SqlVacations(Connections db) {
    this.db = db;
    this.cache = db.cachedReads("postamt_vacation");
  }

  @Override
  public Vacation get(String user) throws SieveStoreException {
    try {
      return cache.get(key(user), () -> db.with(c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT enabled, from_date, to_date, subject, text_body, html_body FROM vacations WHERE owner = ?")) {
          ps.setString(1, key(user));
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return Vacation.OFF;
            }
            return new Vacation(rs.getInt(1) != 0, instant(rs.getString(2)), instant(rs.getString(3)), rs.getString(4),
                rs.getString(5), rs.getString(6));
          }
        }
      }));
    } catch (SQLException e) {
      throw new SieveStoreException(Kind.STORAGE, "cannot read the vacation of " + user + " in " + db.display() + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public void set(String user, Vacation v) throws SieveStoreException {
    try {
      db.transaction(c -> {
        try (PreparedStatement ps = c.prepareStatement("""
            INSERT INTO vacations (owner, enabled, from_date, to_date, subject, text_body, html_body)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (owner) DO UPDATE SET enabled = excluded.enabled, from_date = excluded.from_date,
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
        }
        cache.notifyIn(c);
        return null;
      });
    } catch (SQLException e) {
      throw new SieveStoreException(Kind.STORAGE, "cannot store the vacation of " + user + " in " + db.display() + ": "
          + e.getMessage(), e);
    } finally {
      cache.changed();
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
    db.close();
  }
}
