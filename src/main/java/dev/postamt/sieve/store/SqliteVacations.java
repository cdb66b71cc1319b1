package dev.postamt.sieve.store;

import dev.postamt.postgres.Connections;
import dev.postamt.sieve.store.SieveStoreException.Kind;
import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Users' vacation auto-replies in SQLite at {@code data_dir/vacation-responses.db} (WAL mode with a busy
 * timeout: the CLI and a running server share the file); the SQL is {@link SqlVacations}'. Schema version 2;
 * version 1 called the key column {@code user} and is renamed in place.
 */
public final class SqliteVacations extends SqlVacations {
  public static final String FILE_NAME = "vacation-responses.db";
  static final int SCHEMA_VERSION = 2;

  private SqliteVacations(Connections db) {
    super(db);
  }

  /** Opens (creating when missing) {@code dataDir/vacation-responses.db}. */
  public static SqliteVacations open(Path dataDir) throws SieveStoreException {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      return new SqliteVacations(Connections.sqlite(file, SqliteVacations::migrate));
    } catch (SQLException | IOException e) {
      throw new SieveStoreException(Kind.STORAGE, "cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  private static void migrate(Connection c) throws SQLException {
    int version = SqliteFiles.schemaVersion(c, SCHEMA_VERSION, FILE_NAME);
    if (version == SCHEMA_VERSION) {
      return;
    }
    try (Statement st = c.createStatement()) {
      if (version == 1) {
        st.execute("ALTER TABLE vacations RENAME COLUMN user TO owner");
      }
      st.execute(TABLE);
      st.execute("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }
}
