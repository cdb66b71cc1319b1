package dev.postamt.jmap;

import dev.postamt.postgres.Connections;
import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * {@link JmapRecords} in SQLite at {@code data_dir/jmap.db}, tables {@code objects}, {@code counters} and
 * {@code threads} (schema version 1, {@code PRAGMA user_version}); the SQL is {@link SqlJmapRecords}'.
 */
public final class SqliteJmapRecords extends SqlJmapRecords {
  public static final String FILE_NAME = "jmap.db";
  private static final int SCHEMA_VERSION = 1;

  private SqliteJmapRecords(Connections db) {
    super(db, "");
  }

  public static SqliteJmapRecords open(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      return new SqliteJmapRecords(Connections.sqlite(file, SqliteJmapRecords::migrate));
    } catch (SQLException e) {
      throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  private static void migrate(Connection c) throws SQLException {
    if (SqliteFiles.schemaVersion(c, SCHEMA_VERSION, FILE_NAME) == SCHEMA_VERSION) {
      return;
    }
    try (Statement st = c.createStatement()) {
      for (String sql : schema("")) {
        st.execute(sql);
      }
      st.execute("PRAGMA user_version = " + SCHEMA_VERSION);
    }
  }
}
