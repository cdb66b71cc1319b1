package dev.postamt.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings every state file's connection gets from {@link SqliteFiles#open}. */
class SqliteFilesTest {
  @TempDir Path tmp;

  @Test
  void aConnectionHasTheSmallPageCacheAndWriteAheadLog() throws Exception {
    try (Connection c = SqliteFiles.open(tmp.resolve("sub/state.db"), db -> {});
        Statement st = c.createStatement()) {
      assertThat(pragma(st, "cache_size")).isEqualTo(String.valueOf(-SqliteFiles.CACHE_KIB));
      assertThat(pragma(st, "journal_mode")).isEqualToIgnoringCase("wal");
      assertThat(pragma(st, "busy_timeout")).isEqualTo("5000");
    }
  }

  private static String pragma(Statement st, String name) throws Exception {
    try (ResultSet rs = st.executeQuery("PRAGMA " + name)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}
