package dev.postamt.sieve.store;

import dev.postamt.postgres.Connections;
import dev.postamt.sieve.store.SieveStoreException.Kind;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Users' Sieve scripts in SQLite at {@code data_dir/sieve.db} (readable by the owner only); the SQL is
 * {@link SqlSieveScripts}'. Schema version 2 ({@code PRAGMA user_version}); version 1 named the tables
 * {@code scripts} and {@code users} and is renamed in place.
 */
public final class SqliteSieveScripts extends SqlSieveScripts {
  public static final String FILE_NAME = "sieve.db";
  static final int SCHEMA_VERSION = 2;

  private final Path file;

  private SqliteSieveScripts(Path file, Connections db, Limits limits) {
    super(db, limits);
    this.file = file;
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
    try {
      return new SqliteSieveScripts(file, Connections.sqlite(file, c -> migrate(c, file)), limits);
    } catch (SQLException | IOException e) {
      throw new SieveStoreException(Kind.STORAGE, "cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
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

  private static void migrate(Connection c, Path file) throws SQLException {
    int version = dev.postamt.sqlite.SqliteFiles.schemaVersion(c, SCHEMA_VERSION, file.getFileName().toString());
    if (version == SCHEMA_VERSION) {
      return;
    }
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      if (version == 1) {
        st.execute("DROP INDEX IF EXISTS scripts_one_active");
        st.execute("ALTER TABLE scripts RENAME TO sieve_scripts");
        st.execute("ALTER TABLE sieve_scripts RENAME COLUMN user TO owner");
        st.execute("ALTER TABLE users RENAME TO sieve_users");
        st.execute("ALTER TABLE sieve_users RENAME COLUMN user TO owner");
      }
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
}
