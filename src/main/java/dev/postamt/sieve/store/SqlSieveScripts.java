package dev.postamt.sieve.store;

import dev.postamt.postgres.CachedReads;
import dev.postamt.postgres.Connections;
import dev.postamt.sieve.store.SieveStoreException.Kind;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Users' Sieve scripts, the one class holding their SQL, on SQLite ({@link SqliteSieveScripts},
 * {@code data_dir/sieve.db}: WAL mode with a busy timeout, so the CLI and a running server share the file,
 * one connection under a lock) or PostgreSQL ({@link PgSieveScripts}, shared by every node). Every write is
 * one transaction (the checks and the change see the same state). The {@link #version} delivery asks per
 * message is kept ({@link CachedReads}): on SQLite while the file's {@code data_version} says no other
 * connection committed (a change by the CLI is seen at the next read), on PostgreSQL until a change is
 * heard of (every write sends {@code NOTIFY postamt_sieve} in its transaction), so another node's change
 * is seen within milliseconds.
 *
 * <pre>
 *   sieve_scripts(owner, name, text, active 0/1, modified)   PK (owner, name); at most one active per owner
 *   sieve_users(owner PK, version, error_when, error_script, error_message)
 * </pre>
 *
 * {@code sieve_users.version} goes up by one with every change to a user's scripts or to which is active, for
 * the compiled-script caches of delivery.
 */
public class SqlSieveScripts implements SieveScripts {
  /** RFC 5804 §1.6 leaves the length to the server; Pigeonhole allows 256 characters, we 128 bytes. */
  public static final int MAX_NAME_BYTES = 128;

  /** The tables, the same on both backends (SQLite's file has schema version 2; 1 had other names). */
  static final String[] SCHEMA = {
    """
    CREATE TABLE IF NOT EXISTS sieve_scripts (
      owner    TEXT NOT NULL,
      name     TEXT NOT NULL,
      text     TEXT NOT NULL,
      active   INTEGER NOT NULL DEFAULT 0,
      modified TEXT NOT NULL,
      PRIMARY KEY (owner, name)
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS sieve_scripts_one_active ON sieve_scripts(owner) WHERE active = 1",
    """
    CREATE TABLE IF NOT EXISTS sieve_users (
      owner         TEXT PRIMARY KEY,
      version       INTEGER NOT NULL DEFAULT 0,
      error_when    TEXT,
      error_script  TEXT,
      error_message TEXT
    )""",
  };

  private final Connections db;
  private final Limits limits;
  private final ThreadLocal<Connection> current = new ThreadLocal<>();
  private final CachedReads<Long> versions;

  SqlSieveScripts(Connections db, Limits limits) {
    this.db = db;
    this.limits = limits;
    this.versions = db.cachedReads(CHANNEL);
  }

  /** The channel of script changes between nodes (PostgreSQL). */
  static final String CHANNEL = "postamt_sieve";

  @Override
  public Limits limits() {
    return limits;
  }

  /**
   * Why {@code name} cannot name a script (RFC 5804 §1.6: no control characters U+0000–U+001F,
   * U+007F–U+009F, no line or paragraph separator; and here no "/", which {@code include} cannot name,
   * nothing empty and at most {@value #MAX_NAME_BYTES} UTF-8 bytes), or null when it can.
   */
  public static String nameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "a script name must not be empty";
    }
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      if (ch < 0x20 || (ch >= 0x7f && ch <= 0x9f) || ch == 0x2028 || ch == 0x2029) {
        return "a script name must not contain control characters";
      }
      if (ch == '/') {
        return "a script name must not contain \"/\"";
      }
      if (Character.isSurrogate(ch)
          && !(Character.isHighSurrogate(ch) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1)))
          && !(Character.isLowSurrogate(ch) && i > 0 && Character.isHighSurrogate(name.charAt(i - 1)))) {
        return "a script name must be valid Unicode";
      }
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      return "a script name must not be longer than " + MAX_NAME_BYTES + " bytes";
    }
    return null;
  }

  private static void checkName(String name) throws SieveStoreException {
    String problem = nameProblem(name);
    if (problem != null) {
      throw new SieveStoreException(Kind.BAD_NAME, problem);
    }
  }

  private static String key(String user) {
    return user.toLowerCase(Locale.ROOT);
  }

  // ---- reads

  @Override
  public List<Script> list(String user) throws SieveStoreException {
    return read("list the scripts of " + user, () -> {
      List<Script> out = new ArrayList<>();
      try (PreparedStatement ps = prepare("SELECT name, active, modified FROM sieve_scripts WHERE owner = ? ORDER BY name", key(user));
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Script(rs.getString(1), "", rs.getInt(2) == 1, Instant.parse(rs.getString(3))));
        }
      }
      return out;
    });
  }

  @Override
  public Optional<Script> get(String user, String name) throws SieveStoreException {
    return read("read script " + name + " of " + user,
        () -> script("SELECT name, text, active, modified FROM sieve_scripts WHERE owner = ? AND name = ?", key(user), name));
  }

  @Override
  public Optional<Script> active(String user) throws SieveStoreException {
    return read("read the active script of " + user,
        () -> script("SELECT name, text, active, modified FROM sieve_scripts WHERE owner = ? AND active = 1", key(user)));
  }

  private Optional<Script> script(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      return Optional.of(new Script(rs.getString(1), rs.getString(2), rs.getInt(3) == 1, Instant.parse(rs.getString(4))));
    }
  }

  @Override
  public Optional<LastError> lastError(String user) throws SieveStoreException {
    return read("read the last Sieve error of " + user, () -> {
      try (PreparedStatement ps = prepare(
              "SELECT error_when, error_script, error_message FROM sieve_users WHERE owner = ? AND error_when IS NOT NULL", key(user));
          ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new LastError(Instant.parse(rs.getString(1)), rs.getString(2), rs.getString(3)))
            : Optional.empty();
      }
    });
  }

  @Override
  public long version(String user) throws SieveStoreException {
    return versions.get(key(user), () -> read("read the script version of " + user, () -> {
      try (PreparedStatement ps = prepare("SELECT version FROM sieve_users WHERE owner = ?", key(user));
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    }));
  }

  // ---- changes

  @Override
  public void put(String user, String name, String text) throws SieveStoreException {
    checkName(name);
    long bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (limits.tooLarge(bytes)) {
      throw new SieveStoreException(Kind.QUOTA, "script " + name + " is " + bytes + " bytes, more than the limit of "
          + limits.maxScriptBytes() + " bytes");
    }
    String u = key(user);
    write("store script " + name + " of " + user, () -> {
      if (update("UPDATE sieve_scripts SET text = ?, modified = ? WHERE owner = ? AND name = ?", text, now(), u, name) == 0) {
        if (limits.full(count(u))) {
          throw new SieveStoreException(Kind.QUOTA, user + " has " + limits.maxScripts()
              + " scripts already, the most allowed; delete one first");
        }
        update("INSERT INTO sieve_scripts(owner, name, text, active, modified) VALUES (?, ?, ?, 0, ?)", u, name, text, now());
      }
      bump(u);
    });
  }

  @Override
  public void activate(String user, String name) throws SieveStoreException {
    String u = key(user);
    write("activate script " + name + " of " + user, () -> {
      if (name != null && !exists(u, name)) {
        throw nonexistent(name);
      }
      update("UPDATE sieve_scripts SET active = 0 WHERE owner = ? AND active = 1", u);
      if (name != null) {
        update("UPDATE sieve_scripts SET active = 1 WHERE owner = ? AND name = ?", u, name);
      }
      bump(u);
    });
  }

  @Override
  public void delete(String user, String name) throws SieveStoreException {
    String u = key(user);
    write("delete script " + name + " of " + user, () -> {
      Optional<Script> s = script("SELECT name, '', active, modified FROM sieve_scripts WHERE owner = ? AND name = ?", u, name);
      if (s.isEmpty()) {
        throw nonexistent(name);
      }
      if (s.get().active()) {
        throw new SieveStoreException(Kind.ACTIVE, "script " + name + " is active; deactivate it first");
      }
      update("DELETE FROM sieve_scripts WHERE owner = ? AND name = ?", u, name);
      bump(u);
    });
  }

  @Override
  public void rename(String user, String from, String to) throws SieveStoreException {
    checkName(to);
    String u = key(user);
    write("rename script " + from + " of " + user, () -> {
      if (!exists(u, from)) {
        throw nonexistent(from);
      }
      if (exists(u, to)) {
        throw new SieveStoreException(Kind.ALREADY_EXISTS, "a script named " + to + " exists already");
      }
      update("UPDATE sieve_scripts SET name = ?, modified = ? WHERE owner = ? AND name = ?", to, now(), u, from);
      bump(u);
    });
  }

  @Override
  public void recordError(String user, LastError error) throws SieveStoreException {
    String u = key(user);
    write("record the Sieve error of " + user, () -> {
      update("INSERT INTO sieve_users(owner) VALUES (?) ON CONFLICT(owner) DO NOTHING", u);
      update("UPDATE sieve_users SET error_when = ?, error_script = ?, error_message = ? WHERE owner = ?",
          error == null ? null : error.when().toString(), error == null ? null : error.script(),
          error == null ? null : error.message(), u);
    });
  }

  private void bump(String u) throws SQLException {
    update("INSERT INTO sieve_users(owner, version) VALUES (?, 1) ON CONFLICT(owner) DO UPDATE SET version = sieve_users.version + 1", u);
  }

  private boolean exists(String u, String name) throws SQLException {
    try (PreparedStatement ps = prepare("SELECT 1 FROM sieve_scripts WHERE owner = ? AND name = ?", u, name);
        ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  private int count(String u) throws SQLException {
    try (PreparedStatement ps = prepare("SELECT count(*) FROM sieve_scripts WHERE owner = ?", u); ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static SieveStoreException nonexistent(String name) {
    return new SieveStoreException(Kind.NONEXISTENT, "there is no script named " + name);
  }

  private static String now() {
    return Instant.now().toString();
  }

  @Override
  public void close() {
    db.close();
  }

  // ---- plumbing: the work runs on one connection of db, which prepare() finds in current

  @FunctionalInterface
  private interface Work<T> {
    T run() throws SQLException, SieveStoreException;
  }

  @FunctionalInterface
  private interface Change {
    void run() throws SQLException, SieveStoreException;
  }

  /** A SieveStoreException thrown by work, carried through Connections' SQLException-only signature. */
  private static final class Carried extends RuntimeException {
    final SieveStoreException inner;

    Carried(SieveStoreException inner) {
      super(inner);
      this.inner = inner;
    }
  }

  private <T> T read(String what, Work<T> work) throws SieveStoreException {
    try {
      return db.with(c -> on(c, work));
    } catch (SQLException e) {
      throw dbError(what, e);
    } catch (Carried e) {
      throw e.inner;
    }
  }

  private void write(String what, Change change) throws SieveStoreException {
    try {
      db.transaction(c -> on(c, () -> {
        change.run();
        versions.notifyIn(c);
        return null;
      }));
    } catch (SQLException e) {
      throw dbError(what, e);
    } catch (Carried e) {
      throw e.inner;
    } finally {
      versions.changed();
    }
  }

  private <T> T on(Connection c, Work<T> work) throws SQLException {
    current.set(c);
    try {
      return work.run();
    } catch (SieveStoreException e) {
      throw new Carried(e);
    } finally {
      current.remove();
    }
  }

  private SieveStoreException dbError(String what, SQLException e) {
    return new SieveStoreException(Kind.STORAGE, "sieve database " + db.display() + ": cannot " + what + ": " + e.getMessage(), e);
  }

  private int update(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(sql, args)) {
      return ps.executeUpdate();
    }
  }

  private PreparedStatement prepare(String sql, Object... args) throws SQLException {
    PreparedStatement ps = current.get().prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }
}
