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
import java.util.List;

/**
 * The directory's tables. On SQLite, the {@code directory.db} file: created readable by its owner only (it
 * holds password hashes), opened in WAL mode with IMMEDIATE transactions and a busy timeout, and its schema
 * created or upgraded by {@code PRAGMA user_version}. On PostgreSQL, the same tables as owner {@value
 * #PG_OWNER} in {@code postamt_schema}. {@link Directory} owns the data; this class only the tables.
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

  /** The owner's name in {@code postamt_schema} on PostgreSQL. */
  static final String PG_OWNER = "directory";

  /**
   * The PostgreSQL tables, version by version ({@link dev.postamt.postgres.PgDatabase#migrate}). Version 1
   * is the shape of SQLite's version {@value #SCHEMA_VERSION}, column for column, so that {@code postamt
   * migrate} copies rows as they are and one set of SQL serves both. Keys and addresses are {@code COLLATE
   * "C"}: compared and ordered byte by byte as SQLite does, whatever the database's locale ({@code "@b.test"},
   * the catch-all, sorts before {@code "a@b.test"}). Quotas are BIGINT: SQLite's INTEGER holds 64 bits.
   */
  static final List<String> POSTGRES = List.of(String.join(";\n",
      """
      CREATE TABLE IF NOT EXISTS domains (
        name     TEXT COLLATE "C" PRIMARY KEY,
        created  TEXT NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
      )""",
      """
      CREATE TABLE IF NOT EXISTS users (
        address        TEXT COLLATE "C" PRIMARY KEY,
        domain         TEXT COLLATE "C" NOT NULL REFERENCES domains(name),
        password       TEXT NOT NULL,
        created        TEXT NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
        scram          TEXT,
        quota_bytes    BIGINT,
        quota_messages BIGINT,
        disabled       INTEGER NOT NULL DEFAULT 0,
        role           TEXT,
        totp           TEXT
      )""",
      "CREATE INDEX IF NOT EXISTS users_domain ON users(domain)",
      """
      CREATE TABLE IF NOT EXISTS aliases (
        address  TEXT COLLATE "C" NOT NULL,
        domain   TEXT COLLATE "C" NOT NULL REFERENCES domains(name),
        position INTEGER NOT NULL,
        target   TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (address, target)
      )""",
      "CREATE INDEX IF NOT EXISTS aliases_domain ON aliases(domain)",
      """
      CREATE TABLE IF NOT EXISTS domain_admins (
        address TEXT COLLATE "C" NOT NULL REFERENCES users(address) ON DELETE CASCADE,
        domain  TEXT COLLATE "C" NOT NULL REFERENCES domains(name) ON DELETE CASCADE,
        PRIMARY KEY (address, domain)
      )""",
      """
      CREATE TABLE IF NOT EXISTS app_passwords (
        id        TEXT COLLATE "C" PRIMARY KEY,
        address   TEXT COLLATE "C" NOT NULL REFERENCES users(address) ON DELETE CASCADE,
        name      TEXT NOT NULL,
        hash      TEXT NOT NULL UNIQUE,
        created   TEXT COLLATE "C" NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
        last_used TEXT
      )""",
      "CREATE INDEX IF NOT EXISTS app_passwords_address ON app_passwords(address)",
      """
      CREATE TABLE IF NOT EXISTS masks (
        address   TEXT COLLATE "C" PRIMARY KEY,
        owner     TEXT COLLATE "C" NOT NULL REFERENCES users(address) ON DELETE CASCADE,
        label     TEXT NOT NULL,
        enabled   INTEGER NOT NULL DEFAULT 1,
        created   TEXT COLLATE "C" NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
        last_used TEXT
      )""",
      "CREATE INDEX IF NOT EXISTS masks_owner ON masks(owner)"));

  private DirectorySchema() {}

  /**
   * Creates {@code dataDir} and, when missing, {@code file} readable by its owner only: it holds password
   * hashes (SQLite copies the mode to its -wal and -shm files).
   */
  static void createPrivate(Path dataDir, Path file) throws DirectoryException {
    try {
      Files.createDirectories(dataDir);
      if (Files.exists(file) || !file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        return;
      }
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException raced) {
      // another process created it first: fine
    } catch (IOException e) {
      throw new DirectoryException("cannot create " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Sets up a fresh SQLite connection: foreign keys enforced (removing a user removes its masks and app
   * passwords), the longer busy timeout of the directory, and the schema created or upgraded.
   */
  static void migrate(Connection c, Path file) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA foreign_keys = ON");
      st.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MS);
    }
    int version;
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      version = rs.next() ? rs.getInt(1) : 0;
    }
    if (version == SCHEMA_VERSION) {
      return;
    }
    if (version > SCHEMA_VERSION) {
      throw new SQLException(
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
}
