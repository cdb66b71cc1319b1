package dev.postamt.directory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * The {@code directory.db} file: created readable by its owner only (it holds password hashes), opened
 * in WAL mode with IMMEDIATE transactions and a busy timeout, and its schema created or upgraded by
 * {@code PRAGMA user_version}. {@link Directory} owns the data; this class only the file and its tables.
 */
final class DirectorySchema {
  static final int SCHEMA_VERSION = 5;
  private static final int BUSY_TIMEOUT_MS = 10_000;

  private static final String[] SCHEMA = {
    """
    CREATE TABLE IF NOT EXISTS domains (
      name     TEXT PRIMARY KEY,
      created  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    )""",
    """
    CREATE TABLE IF NOT EXISTS users (
      address  TEXT PRIMARY KEY,
      domain   TEXT NOT NULL REFERENCES domains(name),
      password TEXT NOT NULL,
      created  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    )""",
    "CREATE INDEX IF NOT EXISTS users_domain ON users(domain)",
    // address is "local@domain", or "@domain" for the domain's catch-all.
    """
    CREATE TABLE IF NOT EXISTS aliases (
      address  TEXT NOT NULL,
      domain   TEXT NOT NULL REFERENCES domains(name),
      position INTEGER NOT NULL,
      target   TEXT NOT NULL,
      PRIMARY KEY (address, target)
    )""",
    "CREATE INDEX IF NOT EXISTS aliases_domain ON aliases(domain)",
  };

  /** Changes from one schema version to the next: index 0 takes version 1 to 2. */
  private static final String[][] UPGRADES = {
    // v2: SCRAM-SHA-256 credentials (i$salt$storedKey$serverKey), null until derivable
    {"ALTER TABLE users ADD COLUMN scram TEXT"},
    // v3: per-user quota in bytes and in messages; NULL means the default of [store] in the config
    {"ALTER TABLE users ADD COLUMN quota_bytes INTEGER", "ALTER TABLE users ADD COLUMN quota_messages INTEGER"},
    // v4: the web console's account security (AccountSecurity): disabled accounts, the administrator
    // role (all domains, or the domains in domain_admins), the TOTP secret of the second factor, and
    // app passwords (a SHA-256 of a 100-bit random secret: no slow hash needed for a secret that long)
    {"ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0",
     "ALTER TABLE users ADD COLUMN role TEXT",
     "ALTER TABLE users ADD COLUMN totp TEXT",
     """
     CREATE TABLE IF NOT EXISTS domain_admins (
       address TEXT NOT NULL REFERENCES users(address) ON DELETE CASCADE,
       domain  TEXT NOT NULL REFERENCES domains(name) ON DELETE CASCADE,
       PRIMARY KEY (address, domain)
     )""",
     """
     CREATE TABLE IF NOT EXISTS app_passwords (
       id        TEXT PRIMARY KEY,
       address   TEXT NOT NULL REFERENCES users(address) ON DELETE CASCADE,
       name      TEXT NOT NULL,
       hash      TEXT NOT NULL UNIQUE,
       created   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
       last_used TEXT
     )""",
     "CREATE INDEX IF NOT EXISTS app_passwords_address ON app_passwords(address)"},
    // v5: masked (disposable) addresses (Masks): one per correspondent, delivering to their owner until
    // switched off; a switched-off mask is refused at RCPT TO rather than falling to a catch-all
    {"""
     CREATE TABLE IF NOT EXISTS masks (
       address   TEXT PRIMARY KEY,
       owner     TEXT NOT NULL REFERENCES users(address) ON DELETE CASCADE,
       label     TEXT NOT NULL,
       enabled   INTEGER NOT NULL DEFAULT 1,
       created   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
       last_used TEXT
     )""",
     "CREATE INDEX IF NOT EXISTS masks_owner ON masks(owner)"},
  };

  private DirectorySchema() {}

  /** The connection to {@code file} (in {@code dataDir}, created when missing), its schema up to date. */
  static Connection open(Path dataDir, Path file) throws DirectoryException {
    try {
      Files.createDirectories(dataDir);
      createPrivate(file);
    } catch (IOException e) {
      throw new DirectoryException("cannot create " + file + ": " + e.getMessage(), e);
    }
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
    cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    cfg.setBusyTimeout(BUSY_TIMEOUT_MS);
    cfg.enforceForeignKeys(true);
    // IMMEDIATE: a write transaction takes the write lock at BEGIN, so two writers wait for each other
    // (busy timeout) instead of one failing with SQLITE_BUSY when it upgrades a read lock.
    cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    Connection c = null;
    try {
      c = cfg.createConnection("jdbc:sqlite:" + file);
      migrate(c, file);
      return c;
    } catch (SQLException e) {
      closeQuietly(c);
      throw new DirectoryException("cannot open " + file + ": " + e.getMessage(), e);
    } catch (DirectoryException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /** The database holds password hashes: create it readable by the owner only (SQLite copies the mode
   * to its -wal and -shm files). */
  private static void createPrivate(Path file) throws IOException {
    if (Files.exists(file)) {
      return;
    }
    try {
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
    } catch (FileAlreadyExistsException raced) {
      // another process created it first: fine
    }
  }

  private static void migrate(Connection c, Path file) throws SQLException, DirectoryException {
    int version;
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      version = rs.next() ? rs.getInt(1) : 0;
    }
    if (version == SCHEMA_VERSION) {
      return;
    }
    if (version > SCHEMA_VERSION) {
      throw new DirectoryException(
          file + " has schema version " + version + ", newer than this Postamt understands (" + SCHEMA_VERSION + ")");
    }
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      for (String sql : SCHEMA) {
        st.execute(sql);
      }
      // a new database gets the version-1 tables above, then every upgrade
      for (int v = Math.max(version, 1); v < SCHEMA_VERSION; v++) {
        for (String sql : UPGRADES[v - 1]) {
          st.execute(sql);
        }
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
