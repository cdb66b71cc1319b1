package dev.postamt.web.session;

import dev.postamt.postgres.Connections;
import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Web sessions and bearer tokens, the one class with their SQL, on SQLite ({@link SqliteWebSessions},
 * {@code data_dir/web/sessions.db}) or PostgreSQL ({@link PgWebSessions}, shared by every node). A session ends after {@code idle}
 * without a request or {@code maxAge} after login, whichever is first; expired rows are swept when
 * sessions are created. Ids and tokens are 256-bit random, stored as SHA-256.
 *
 * <p>Tables {@code web_sessions} and {@code web_tokens} on both backends.
 */
public class SqlWebSessions implements WebSessions {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** SQLite schema: 1 had tables {@code sessions} and {@code tokens}; 2 renamed them to match PostgreSQL's. */
  static final int SCHEMA = 2;
  /** How many tokens one user may hold. */
  static final int MAX_TOKENS = 50;

  private final Connections db;
  private final Duration idle;
  private final Duration maxAge;
  private final Clock clock;

  SqlWebSessions(Connections db, Duration idle, Duration maxAge, Clock clock) {
    this.db = db;
    this.idle = idle;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /** The tables on PostgreSQL, version by version (see {@link #migrateSqlite} for SQLite's). */
  static final List<String> POSTGRES_SCHEMA = List.of("""
      CREATE TABLE web_sessions (
        hash     TEXT PRIMARY KEY,
        address  TEXT NOT NULL,
        csrf     TEXT NOT NULL,
        created  BIGINT NOT NULL,
        seen     BIGINT NOT NULL,
        expires  BIGINT NOT NULL);
      CREATE INDEX web_sessions_address ON web_sessions(address);
      CREATE TABLE web_tokens (
        id        TEXT PRIMARY KEY,
        hash      TEXT NOT NULL UNIQUE,
        address   TEXT NOT NULL,
        name      TEXT NOT NULL,
        created   BIGINT NOT NULL,
        last_used BIGINT,
        expires   BIGINT);
      CREATE INDEX web_tokens_address ON web_tokens(address)""");

  static void migrateSqlite(Connection c) throws SQLException {
    int version = SqliteFiles.schemaVersion(c, SCHEMA, "sessions.db");
    if (version == SCHEMA) {
      return;
    }
    try (Statement s = c.createStatement()) {
      if (version == 1) {
        s.executeUpdate("ALTER TABLE sessions RENAME TO web_sessions");
        s.executeUpdate("ALTER TABLE tokens RENAME TO web_tokens");
      }
      s.executeUpdate("""
          CREATE TABLE IF NOT EXISTS web_sessions (
            hash     TEXT PRIMARY KEY,
            address  TEXT NOT NULL,
            csrf     TEXT NOT NULL,
            created  INTEGER NOT NULL,
            seen     INTEGER NOT NULL,
            expires  INTEGER NOT NULL)""");
      s.executeUpdate("CREATE INDEX IF NOT EXISTS web_sessions_address ON web_sessions(address)");
      s.executeUpdate("""
          CREATE TABLE IF NOT EXISTS web_tokens (
            id        TEXT PRIMARY KEY,
            hash      TEXT NOT NULL UNIQUE,
            address   TEXT NOT NULL,
            name      TEXT NOT NULL,
            created   INTEGER NOT NULL,
            last_used INTEGER,
            expires   INTEGER)""");
      s.executeUpdate("CREATE INDEX IF NOT EXISTS web_tokens_address ON web_tokens(address)");
      s.executeUpdate("PRAGMA user_version = " + SCHEMA);
    }
  }

  @Override
  public Session create(String address) throws IOException {
    String id = random(32);
    String csrf = random(24);
    long now = clock.millis();
    long expires = now + maxAge.toMillis();
    run("create a session", c -> {
      update(c, "DELETE FROM web_sessions WHERE expires < ? OR seen < ?", now, now - idle.toMillis());
      update(c, "INSERT INTO web_sessions(hash, address, csrf, created, seen, expires) VALUES (?, ?, ?, ?, ?, ?)",
          hash(id), address, csrf, now, now, expires);
      return null;
    });
    return new Session(id, address, csrf, Instant.ofEpochMilli(now), Instant.ofEpochMilli(expires));
  }

  @Override
  public Optional<Session> find(String id) throws IOException {
    if (id == null || id.isEmpty() || id.length() > 128) {
      return Optional.empty();
    }
    String h = hash(id);
    long now = clock.millis();
    return run("look up a session", c -> {
      Session s;
      long seen;
      try (PreparedStatement ps = prepare(c, "SELECT address, csrf, created, expires, seen FROM web_sessions WHERE hash = ?", h);
          ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.<Session>empty();
        }
        s = new Session(id, rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), Instant.ofEpochMilli(rs.getLong(4)));
        seen = rs.getLong(5);
      }
      if (s.expires().toEpochMilli() <= now || seen + idle.toMillis() <= now) {
        update(c, "DELETE FROM web_sessions WHERE hash = ?", h);
        return Optional.<Session>empty();
      }
      if (now - seen > 60_000) { // one write a minute per session is enough for the idle clock
        update(c, "UPDATE web_sessions SET seen = ? WHERE hash = ?", now, h);
      }
      return Optional.of(s);
    });
  }

  @Override
  public void delete(String id) throws IOException {
    if (id != null) {
      run("end a session", c -> update(c, "DELETE FROM web_sessions WHERE hash = ?", hash(id)));
    }
  }

  @Override
  public int deleteAll(String address) throws IOException {
    return run("end sessions", c -> update(c, "DELETE FROM web_sessions WHERE address = ?", address));
  }

  @Override
  public int deleteOthers(String address, String keepId) throws IOException {
    String keep = hash(keepId == null ? "" : keepId);
    return run("end other sessions", c -> update(c, "DELETE FROM web_sessions WHERE address = ? AND hash <> ?", address, keep));
  }

  @Override
  public List<Session> sessions(String address) throws IOException {
    long now = clock.millis();
    return run("list sessions", c -> {
      List<Session> out = new ArrayList<>();
      try (PreparedStatement ps = prepare(c,
              "SELECT csrf, created, expires FROM web_sessions WHERE address = ? AND expires > ? AND seen > ? ORDER BY created",
              address, now, now - idle.toMillis());
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Session("", address, "", Instant.ofEpochMilli(rs.getLong(2)), Instant.ofEpochMilli(rs.getLong(3))));
        }
      }
      return out;
    });
  }

  @Override
  public NewToken createToken(String address, String name, Instant expires) throws IOException {
    String n = name == null ? "" : name.strip();
    if (n.isEmpty() || n.length() > 64 || n.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("a token needs a name of 1 to 64 printable characters");
    }
    String secret = "pat_" + random(32);
    String id = HexFormat.of().formatHex(randomBytes(6));
    long now = clock.millis();
    run("create a token", c -> {
      try (PreparedStatement ps = prepare(c, "SELECT COUNT(*) FROM web_tokens WHERE address = ?", address); ResultSet rs = ps.executeQuery()) {
        if (rs.next() && rs.getInt(1) >= MAX_TOKENS) {
          throw new SQLException(address + " already has " + MAX_TOKENS + " tokens; revoke one first");
        }
      }
      update(c, "INSERT INTO web_tokens(id, hash, address, name, created, expires) VALUES (?, ?, ?, ?, ?, ?)",
          id, hash(secret), address, n, now, expires == null ? null : expires.toEpochMilli());
      return null;
    });
    return new NewToken(new Token(id, address, n, Instant.ofEpochMilli(now), null, expires), secret);
  }

  @Override
  public Optional<String> tokenOwner(String secret) throws IOException {
    if (secret == null || !secret.startsWith("pat_") || secret.length() > 128) {
      return Optional.empty();
    }
    String h = hash(secret);
    long now = clock.millis();
    return run("look up a token", c -> {
      String owner = null;
      try (PreparedStatement ps = prepare(c, "SELECT address FROM web_tokens WHERE hash = ? AND (expires IS NULL OR expires > ?)", h, now);
          ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          owner = rs.getString(1);
        }
      }
      if (owner != null) {
        update(c, "UPDATE web_tokens SET last_used = ? WHERE hash = ?", now, h);
      }
      return Optional.ofNullable(owner);
    });
  }

  @Override
  public List<Token> tokens(String address) throws IOException {
    return run("list tokens", c -> {
      List<Token> out = new ArrayList<>();
      try (PreparedStatement ps = prepare(c,
              "SELECT id, name, created, last_used, expires FROM web_tokens WHERE address = ? ORDER BY created, id", address);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Token(rs.getString(1), address, rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
              instant(rs, 4), instant(rs, 5)));
        }
      }
      return out;
    });
  }

  @Override
  public boolean revokeToken(String address, String id) throws IOException {
    return run("revoke a token", c -> update(c, "DELETE FROM web_tokens WHERE address = ? AND id = ?", address, id) > 0);
  }

  @Override
  public void close() {
    db.close();
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private <T> T run(String what, Connections.Work<T> work) throws IOException {
    try {
      return db.with(work);
    } catch (SQLException e) {
      throw new IOException("web sessions: cannot " + what + " in " + db.display() + ": " + e.getMessage(), e);
    }
  }

  private static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args)) {
      return ps.executeUpdate();
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }

  static String random(int bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(bytes));
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  static String hash(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
