package dev.postamt.sieve.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.sieve.store.SieveScripts.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteSieveScriptsTest implements SieveScriptsContract {
  @Override
  public SieveScripts open(Path dir, Limits limits) throws Exception {
    return SqliteSieveScripts.open(dir, limits);
  }

  @Test
  void livesInDataDirReadableByTheOwnerOnly(@TempDir Path dir) throws Exception {
    try (SqliteSieveScripts s = SqliteSieveScripts.open(dir.resolve("data"))) {
      s.put(ALICE, "a", KEEP);
      assertThat(s.file()).isEqualTo(dir.resolve("data/sieve.db"));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(s.file()))).isEqualTo("rw-------");
    }
  }

  @Test
  void twoInstancesOnOneFileSeeEachOthersChanges(@TempDir Path dir) throws Exception {
    try (SqliteSieveScripts cli = SqliteSieveScripts.open(dir); SqliteSieveScripts server = SqliteSieveScripts.open(dir)) {
      long v = server.version(ALICE);
      cli.put(ALICE, "a", KEEP);
      cli.activate(ALICE, "a");
      assertThat(server.active(ALICE).orElseThrow().name()).isEqualTo("a");
      assertThat(server.version(ALICE)).isGreaterThan(v);
    }
  }

  @Test
  void newerSchemaIsRefusedWithAClearMessage(@TempDir Path dir) throws Exception {
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("sieve.db"));
        var st = c.createStatement()) {
      st.execute("PRAGMA user_version = 99");
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SqliteSieveScripts.open(dir))
        .isInstanceOf(SieveStoreException.class).hasMessageContaining("schema version 99");
  }

  @Test
  void aVersionOneFileKeepsItsScriptsThroughTheRename(@TempDir Path dir) throws Exception {
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("sieve.db"));
        var st = c.createStatement()) {
      st.execute("CREATE TABLE scripts (user TEXT NOT NULL, name TEXT NOT NULL, text TEXT NOT NULL,"
          + " active INTEGER NOT NULL DEFAULT 0, modified TEXT NOT NULL, PRIMARY KEY (user, name))");
      st.execute("CREATE UNIQUE INDEX scripts_one_active ON scripts(user) WHERE active = 1");
      st.execute("CREATE TABLE users (user TEXT PRIMARY KEY, version INTEGER NOT NULL DEFAULT 0, error_when TEXT,"
          + " error_script TEXT, error_message TEXT)");
      st.execute("INSERT INTO scripts VALUES ('alice@example.test', 'mine', 'keep;', 1, '2026-12-01T00:00:00Z')");
      st.execute("INSERT INTO users(user, version) VALUES ('alice@example.test', 3)");
      st.execute("PRAGMA user_version = 1");
    }
    try (SqliteSieveScripts s = SqliteSieveScripts.open(dir)) {
      assertThat(s.active(ALICE).orElseThrow().text()).isEqualTo("keep;");
      assertThat(s.version(ALICE)).isEqualTo(3);
      s.put(ALICE, "other", KEEP);
      s.activate(ALICE, "other");
      assertThat(s.version(ALICE)).isGreaterThan(3);
    }
  }
}
