package dev.postamt.events;

import dev.postamt.postgres.Connections;
import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The trail in SQLite, {@code data_dir/trail.db} (schema version 1, {@code PRAGMA user_version}); the SQL
 * is {@link SqlTrailStore}'.
 */
public final class SqliteTrailStore extends SqlTrailStore {
  static final String FILE = "trail.db";
  private static final int SCHEMA = 1;

  private SqliteTrailStore(Connections db) {
    super(db);
  }

  /** Opens (creating when missing) the trail of {@code dataDir}. */
  public static SqliteTrailStore open(Path dataDir) throws Failure {
    Path file = dataDir.resolve(FILE);
    try {
      return new SqliteTrailStore(Connections.sqlite(file, SqliteTrailStore::migrate));
    } catch (SQLException | IOException e) {
      throw new Failure("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code dataDir} has a trail at all (the CLI then need not create one to say "nothing"). */
  public static boolean exists(Path dataDir) {
    return java.nio.file.Files.exists(dataDir.resolve(FILE));
  }

  private static void migrate(Connection c) throws SQLException {
    int v = SqliteFiles.schemaVersion(c, SCHEMA, FILE);
    if (v >= SCHEMA) {
      return;
    }
    try (Statement st = c.createStatement()) {
      for (String sql : schema(false)) {
        st.execute(sql);
      }
      st.execute("PRAGMA user_version = " + SCHEMA);
    }
  }
}
