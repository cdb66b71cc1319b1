package dev.postamt.sieve.store;

import dev.postamt.sieve.store.SieveStoreException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * Users' Sieve scripts in SQLite at {@code data_dir/sieve.db}, the one class holding their SQL. Like the
 * directory: WAL mode with a busy timeout, so the CLI and a running server share the file, one connection
 * per instance under a lock, every write one IMMEDIATE transaction (the checks and the change see the same
 * state), no cache (a change by the CLI is seen by the server at its next read).
 *
 * <pre>
 *   scripts(user, name, text, active 0/1, modified)   PK (user, name); at most one active per user
 *   users(user PK, version, error_when, error_script, error_message)
 * </pre>
 *
 * {@code users.version} goes up by one with every change to a user's scripts or to which is active, for
 * the compiled-script caches of delivery.
 */
public final class SqliteSieveScripts implements SieveScripts {
  public static final String FILE_NAME = "sieve.db";
  static final int SCHEMA_VERSION = 1;
  private static final int BUSY_TIMEOUT_MS = 10_000;
  /** RFC 5804 §1.6 leaves the length to the server; Pigeonhole allows 256 characters, we 128 bytes. */
  public static final int MAX_NAME_BYTES = 128;

  private static final String[] SCHEMA = {
    """
    CREATE TABLE IF NOT EXISTS scripts (
      user     TEXT NOT NULL,
      name     TEXT NOT NULL,
      text     TEXT NOT NULL,
      active   INTEGER NOT NULL DEFAULT 0,
      modified TEXT NOT NULL,
      PRIMARY KEY (user, name)
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS scripts_one_active ON scripts(user) WHERE active = 1",
    """
    CREATE TABLE IF NOT EXISTS users (
      user          TEXT PRIMARY KEY,
      version       INTEGER NOT NULL DEFAULT 0,
      error_when    TEXT,
      error_script  TEXT,
      error_message TEXT
    )""",
  };

  private final Path file;
  private final Connection db;
  private final Limits limits;
  private final ReentrantLock lock = new ReentrantLock();

  private SqliteSieveScripts(Path file, Connection db, Limits limits) {
    this.file = file;
    this.db = db;
    this.limits = limits;
  }

  /** Opens (creating when missing) {@code dataDir/sieve.db} with the default limits. */
  public static SqliteSieveScripts open(Path dataDir) throws SieveStoreException {
    return open(dataDir, Limits.DEFAULTS);
  }

  /** Opens (creating when missing) {@code dataDir/sieve.db}; {@code limits} bound what {@link #put} accepts. */
  public static SqliteSieveScripts open(Path dataDir, Limits limits) throws SieveStoreException {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      Files.createDirectories(dataDir);
      createPrivate(file);
    } catch (IOException e) {
      throw new SieveStoreException(Kind.STORAGE, "cannot create " + file + ": " + e.getMessage(), e);
    }
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
    cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    cfg.setBusyTimeout(BUSY_TIMEOUT_MS);
    cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    Connection c = null;
    try {
      c = cfg.createConnection("jdbc:sqlite:" + file);
      migrate(c, file);
      return new SqliteSieveScripts(file, c, limits);
    } catch (SQLException e) {
      closeQuietly(c);
      throw new SieveStoreException(Kind.STORAGE, "cannot open " + file + ": " + e.getMessage(), e);
    } catch (SieveStoreException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /** Scripts are the users' own words: readable by the owner only (SQLite copies the mode to -wal, -shm). */
  private static void createPrivate(Path file) throws IOException {
    if (Files.exists(file) || !file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException raced) {
      // another process created it first: fine
    }
  }

  private static void migrate(Connection c, Path file) throws SQLException, SieveStoreException {
    int version;
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      version = rs.next() ? rs.getInt(1) : 0;
    }
    if (version == SCHEMA_VERSION) {
      return;
    }
    if (version > SCHEMA_VERSION) {
      throw new SieveStoreException(Kind.STORAGE,
          file + " has schema version " + version + ", newer than this Postamt understands (" + SCHEMA_VERSION + ")");
    }
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      for (String sql : SCHEMA) {
        st.execute(sql);
      }
      st.execute("PRAGMA user_version = " + SCHEMA_VERSION);
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  public Path file() {
    return file;
  }

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
      try (PreparedStatement ps = prepare("SELECT name, active, modified FROM scripts WHERE user = ? ORDER BY name", key(user));
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
        () -> script("SELECT name, text, active, modified FROM scripts WHERE user = ? AND name = ?", key(user), name));
  }

  @Override
  public Optional<Script> active(String user) throws SieveStoreException {
    return read("read the active script of " + user,
        () -> script("SELECT name, text, active, modified FROM scripts WHERE user = ? AND active = 1", key(user)));
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
              "SELECT error_when, error_script, error_message FROM users WHERE user = ? AND error_when IS NOT NULL", key(user));
          ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new LastError(Instant.parse(rs.getString(1)), rs.getString(2), rs.getString(3)))
            : Optional.empty();
      }
    });
  }

  @Override
  public long version(String user) throws SieveStoreException {
    return read("read the script version of " + user, () -> {
      try (PreparedStatement ps = prepare("SELECT version FROM users WHERE user = ?", key(user));
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
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
      if (update("UPDATE scripts SET text = ?, modified = ? WHERE user = ? AND name = ?", text, now(), u, name) == 0) {
        if (limits.full(count(u))) {
          throw new SieveStoreException(Kind.QUOTA, user + " has " + limits.maxScripts()
              + " scripts already, the most allowed; delete one first");
        }
        update("INSERT INTO scripts(user, name, text, active, modified) VALUES (?, ?, ?, 0, ?)", u, name, text, now());
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
      update("UPDATE scripts SET active = 0 WHERE user = ? AND active = 1", u);
      if (name != null) {
        update("UPDATE scripts SET active = 1 WHERE user = ? AND name = ?", u, name);
      }
      bump(u);
    });
  }

  @Override
  public void delete(String user, String name) throws SieveStoreException {
    String u = key(user);
    write("delete script " + name + " of " + user, () -> {
      Optional<Script> s = script("SELECT name, '', active, modified FROM scripts WHERE user = ? AND name = ?", u, name);
      if (s.isEmpty()) {
        throw nonexistent(name);
      }
      if (s.get().active()) {
        throw new SieveStoreException(Kind.ACTIVE, "script " + name + " is active; deactivate it first");
      }
      update("DELETE FROM scripts WHERE user = ? AND name = ?", u, name);
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
      update("UPDATE scripts SET name = ?, modified = ? WHERE user = ? AND name = ?", to, now(), u, from);
      bump(u);
    });
  }

  @Override
  public void recordError(String user, LastError error) throws SieveStoreException {
    String u = key(user);
    write("record the Sieve error of " + user, () -> {
      update("INSERT INTO users(user) VALUES (?) ON CONFLICT(user) DO NOTHING", u);
      update("UPDATE users SET error_when = ?, error_script = ?, error_message = ? WHERE user = ?",
          error == null ? null : error.when().toString(), error == null ? null : error.script(),
          error == null ? null : error.message(), u);
    });
  }

  private void bump(String u) throws SQLException {
    update("INSERT INTO users(user, version) VALUES (?, 1) ON CONFLICT(user) DO UPDATE SET version = version + 1", u);
  }

  private boolean exists(String u, String name) throws SQLException {
    try (PreparedStatement ps = prepare("SELECT 1 FROM scripts WHERE user = ? AND name = ?", u, name);
        ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  private int count(String u) throws SQLException {
    try (PreparedStatement ps = prepare("SELECT count(*) FROM scripts WHERE user = ?", u); ResultSet rs = ps.executeQuery()) {
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
    lock.lock();
    try {
      db.close();
    } catch (SQLException ignored) {
      // nothing more to do
    } finally {
      lock.unlock();
    }
  }

  // ---- plumbing

  @FunctionalInterface
  private interface Work<T> {
    T run() throws SQLException, SieveStoreException;
  }

  @FunctionalInterface
  private interface Change {
    void run() throws SQLException, SieveStoreException;
  }

  private <T> T read(String what, Work<T> work) throws SieveStoreException {
    lock.lock();
    try {
      return work.run();
    } catch (SQLException e) {
      throw dbError(what, e);
    } finally {
      lock.unlock();
    }
  }

  private void write(String what, Change change) throws SieveStoreException {
    lock.lock();
    try {
      db.setAutoCommit(false);
      try {
        change.run();
        db.commit();
      } catch (SQLException | SieveStoreException | RuntimeException e) {
        try {
          db.rollback();
        } catch (SQLException ignored) {
          // the original error is the one worth reporting
        }
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw dbError(what, e);
    } finally {
      lock.unlock();
    }
  }

  private SieveStoreException dbError(String what, SQLException e) {
    return new SieveStoreException(Kind.STORAGE, "sieve database " + file + ": cannot " + what + ": " + e.getMessage(), e);
  }

  private int update(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(sql, args)) {
      return ps.executeUpdate();
    }
  }

  private PreparedStatement prepare(String sql, Object... args) throws SQLException {
    PreparedStatement ps = db.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already failing
      }
    }
  }
}
