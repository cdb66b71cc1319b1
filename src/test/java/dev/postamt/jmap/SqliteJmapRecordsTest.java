package dev.postamt.jmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JMAP records contract on {@code data_dir/jmap.db}. */
class SqliteJmapRecordsTest implements JmapRecordsContract {
  @TempDir Path dir;

  @Override
  public JmapRecords open() throws Exception {
    return SqliteJmapRecords.open(dir);
  }

  @Test
  void aVersionOneFileWrittenBeforeTheSplitIsReadAsItIs() throws Exception {
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteJmapRecords.FILE_NAME));
        var st = c.createStatement()) {
      st.execute("CREATE TABLE objects (user TEXT NOT NULL, type TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL,"
          + " created INTEGER NOT NULL, modified INTEGER NOT NULL, destroyed INTEGER NOT NULL DEFAULT 0,"
          + " PRIMARY KEY (user, type, id))");
      st.execute("CREATE TABLE counters (user TEXT NOT NULL, type TEXT NOT NULL, value INTEGER NOT NULL,"
          + " PRIMARY KEY (user, type))");
      st.execute("CREATE TABLE threads (user TEXT NOT NULL, message_id TEXT NOT NULL, thread_id TEXT NOT NULL,"
          + " PRIMARY KEY (user, message_id))");
      st.execute("INSERT INTO objects VALUES ('alice@example.test', 'Identity', 'i1', '{\"name\":\"A\"}', 4, 4, 0)");
      st.execute("INSERT INTO counters VALUES ('alice@example.test', 'Identity', 4)");
      st.execute("PRAGMA user_version = 1");
    }
    try (JmapRecords r = open()) {
      assertThat(r.get(ALICE, "Identity", "i1").orElseThrow().json()).containsEntry("name", "A");
      assertThat(r.put(ALICE, "Identity", "i2", Map.of())).isEqualTo(5);
    }
  }
}
