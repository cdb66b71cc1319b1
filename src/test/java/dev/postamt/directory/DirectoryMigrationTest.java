package dev.postamt.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Databases written by earlier versions open, keep their data and gain the new columns (v3: quotas, v5: masked addresses). */
class DirectoryMigrationTest {
  @TempDir Path data;

  /** The tables exactly as schema version 1 (or, with the scram column, 2) created them. */
  private static List<String> oldSchema(int version) {
    return List.of(
        "CREATE TABLE domains (name TEXT PRIMARY KEY,"
            + " created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))",
        "CREATE TABLE users (address TEXT PRIMARY KEY, domain TEXT NOT NULL REFERENCES domains(name),"
            + " password TEXT NOT NULL, created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
            + (version >= 2 ? ", scram TEXT)" : ")"),
        "CREATE INDEX users_domain ON users(domain)",
        "CREATE TABLE aliases (address TEXT NOT NULL, domain TEXT NOT NULL REFERENCES domains(name),"
            + " position INTEGER NOT NULL, target TEXT NOT NULL, PRIMARY KEY (address, target))",
        "CREATE INDEX aliases_domain ON aliases(domain)",
        "INSERT INTO domains(name) VALUES ('example.test')",
        "INSERT INTO aliases(address, domain, position, target)"
            + " VALUES ('postmaster@example.test', 'example.test', 0, 'alice@example.test')",
        "PRAGMA user_version = " + version);
  }

  private void writeOldDatabase(List<String> statements, String passwordHash) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(Directory.FILE_NAME));
        Statement st = c.createStatement()) {
      for (String sql : statements) {
        st.execute(sql);
      }
      st.execute("INSERT INTO users(address, domain, password) VALUES ('alice@example.test', 'example.test', '"
          + passwordHash + "')");
    }
  }

  private int userVersion() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(Directory.FILE_NAME));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      return rs.getInt(1);
    }
  }

  @Test
  void version2DatabaseGainsQuotaColumnsAndKeepsItsData() throws Exception {
    writeOldDatabase(oldSchema(2), PasswordHash.hash("secret".toCharArray()));
    try (Directory dir = Directory.open(data)) {
      assertThat(userVersion()).isEqualTo(5);
      assertThat(dir.users()).containsExactly("alice@example.test");
      assertThat(dir.authenticate("alice@example.test", "secret".toCharArray())).contains("alice@example.test");
      assertThat(dir.aliasTargets("postmaster@example.test")).containsExactly("alice@example.test");
      // existing users have no quota of their own: the config default applies
      assertThat(dir.quota("alice@example.test")).contains(Directory.UserQuota.DEFAULT);
      dir.setStorageQuota("Alice@Example.test", OptionalLong.of(10_000));
      dir.setMessageQuota("alice@example.test", OptionalLong.of(0));
    }
    try (Directory dir = Directory.open(data)) { // opening a v5 database again changes nothing
      assertThat(userVersion()).isEqualTo(5);
      assertThat(dir.quota("alice@example.test"))
          .contains(new Directory.UserQuota(OptionalLong.of(10_000), OptionalLong.of(0)));
      dir.setStorageQuota("alice@example.test", OptionalLong.empty());
      assertThat(dir.quota("alice@example.test"))
          .contains(new Directory.UserQuota(OptionalLong.empty(), OptionalLong.of(0)));
    }
  }

  @Test
  void version1DatabaseTakesEveryUpgrade() throws Exception {
    writeOldDatabase(oldSchema(1), PasswordHash.hash("secret".toCharArray()));
    try (Directory dir = Directory.open(data)) {
      assertThat(userVersion()).isEqualTo(5);
      assertThat(dir.authenticate("alice@example.test", "secret".toCharArray())).isPresent();
      assertThat(dir.scramCredentials("alice@example.test")).isPresent(); // v2 column, filled at login
      assertThat(dir.quota("alice@example.test")).contains(Directory.UserQuota.DEFAULT);
      // v4: enabled, no role, no second factor, no app passwords
      assertThat(dir.security().disabled("alice@example.test")).isFalse();
      assertThat(dir.security().roles("alice@example.test").administers()).isFalse();
      assertThat(dir.security().totpSecret("alice@example.test")).isEmpty();
      assertThat(dir.security().appPasswords("alice@example.test")).isEmpty();
      // v5: no masked addresses yet, and one can be made
      assertThat(dir.masks().list("alice@example.test")).isEmpty();
      Masks.Mask m = dir.masks().create("alice@example.test", "shop");
      assertThat(dir.masks().lookup(m.address())).contains(m);
    }
  }

  @Test
  void quotaSettingsAreValidated() throws Exception {
    try (Directory dir = Directory.open(data)) {
      dir.addDomain("example.test");
      assertThat(dir.quota("nobody@example.test")).isEmpty();
      assertThatThrownBy(() -> dir.setStorageQuota("nobody@example.test", OptionalLong.of(1)))
          .isInstanceOf(DirectoryException.class).hasMessage("user nobody@example.test does not exist");
      dir.addUserWithHash("a@example.test", PasswordHash.hash("x".toCharArray()));
      assertThatThrownBy(() -> dir.setMessageQuota("a@example.test", OptionalLong.of(-1)))
          .hasMessage("message quota must not be negative");
      assertThat(dir.quota("a@example.test")).contains(Directory.UserQuota.DEFAULT);
    }
  }

  @Test
  void newerSchemaIsRefusedWithAClearMessage() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(Directory.FILE_NAME));
        Statement st = c.createStatement()) {
      st.execute("PRAGMA user_version = 6");
    }
    assertThatThrownBy(() -> Directory.open(data))
        .isInstanceOf(DirectoryException.class)
        .hasMessageContaining("schema version 6, newer than this Postamt understands (5)");
  }
}
