package dev.postamt.tlsrpt;

import dev.postamt.postgres.Connections;
import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;

/**
 * The TLS results in {@code data_dir/tlsrpt.db}, table {@code outcome} (schema version 1): SQLite in WAL mode
 * (the server records while {@code postamt tlsrpt send} may read and forget), one connection under a lock. The
 * SQL is {@link SqlTlsReports}'.
 */
public final class SqliteTlsReports extends SqlTlsReports {
  public static final String FILE_NAME = "tlsrpt.db";
  private static final int SCHEMA_VERSION = 1;

  private SqliteTlsReports(Connections db, Clock clock) {
    super(db, "outcome", clock);
  }

  /** Opens (creating when missing) {@code dataDir/tlsrpt.db}; days are UTC days of {@code clock}. */
  public static SqliteTlsReports open(Path dataDir, Clock clock) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      return new SqliteTlsReports(Connections.sqliteOnDemand(file, SqliteTlsReports::migrate), clock);
    } catch (SQLException e) {
      throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  private static void migrate(Connection c) throws SQLException {
    if (SqliteFiles.schemaVersion(c, SCHEMA_VERSION, FILE_NAME) == SCHEMA_VERSION) {
      return;
    }
    try (Statement st = c.createStatement()) {
      st.executeUpdate(schema("outcome", false));
      st.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }
}
