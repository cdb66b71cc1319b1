package dev.postamt.collect;

import dev.postamt.postgres.Connections;
import dev.postamt.sqlite.SqliteFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * {@link CollectAccounts} in {@code data_dir/collect.db}: tables {@code account}, {@code seen} and
 * {@code pending} (schema version 1); the SQL is {@link SqlCollectAccounts}'. Opened with {@code
 * synchronous=FULL}: a pending row must survive a power cut as the message it announces does. One run per
 * account at a time is kept by {@link Collector}'s lock file, which every process on this data directory sees.
 */
public final class SqliteCollectAccounts extends SqlCollectAccounts {
  public static final String FILE_NAME = "collect.db";
  private static final int SCHEMA = 1;

  private SqliteCollectAccounts(Connections db) {
    super(db, "");
  }

  public static SqliteCollectAccounts open(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      return new SqliteCollectAccounts(Connections.sqliteOnDemand(file, SqliteCollectAccounts::migrate));
    } catch (SQLException e) {
      throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  private static void migrate(Connection c) throws SQLException {
    int v = SqliteFiles.schemaVersion(c, SCHEMA, FILE_NAME);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA synchronous=FULL");
      if (v < 1) {
        for (String sql : schema("", false)) {
          s.execute(sql);
        }
        s.execute("PRAGMA user_version=" + SCHEMA);
      }
    }
  }
}
