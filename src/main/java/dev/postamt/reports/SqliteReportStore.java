package dev.postamt.reports;

import dev.postamt.postgres.Connections;
import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * {@link ReportStore} in SQLite at {@code data_dir/reports.db} (schema version 1, foreign keys on), one
 * connection under a lock; the SQL is {@link SqlReportStore}'.
 */
public final class SqliteReportStore extends SqlReportStore {
  public static final String FILE_NAME = "reports.db";
  private static final int SCHEMA_VERSION = 1;

  private SqliteReportStore(Connections db) {
    super(db);
  }

  /** Opens (creating when missing) {@code dataDir/reports.db}. */
  public static SqliteReportStore open(Path dataDir) throws ReportException {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      return new SqliteReportStore(Connections.sqliteOnDemand(file, c -> {
        int version = SqliteFiles.schemaVersion(c, SCHEMA_VERSION, file.toString());
        try (Statement st = c.createStatement()) {
          st.execute("PRAGMA foreign_keys = ON");
          if (version < SCHEMA_VERSION) {
            for (String sql : schema(false)) {
              st.execute(sql);
            }
            st.execute("PRAGMA user_version = " + SCHEMA_VERSION);
          }
        }
      }));
    } catch (SQLException | IOException e) {
      throw new ReportException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }
}
