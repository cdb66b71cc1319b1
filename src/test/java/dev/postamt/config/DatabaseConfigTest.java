package dev.postamt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [database]}: SQLite by default, a PostgreSQL URL parsed and checked, its password never shown; {@code [store]
 * blobs = "postgresql"} only with such a URL.
 */
class DatabaseConfigTest {
  @TempDir Path dir;

  Path write(String toml) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, toml);
    return f;
  }

  @Test
  void sqliteByDefault() {
    assertThat(Config.defaults().database().postgres()).isEmpty();
    assertThat(Config.defaults().database().poolSize()).isEqualTo(10);
  }

  @Test
  void aPostgresUrlIsParsedWithItsDecodedCredentials() throws Exception {
    Database d = Config.load(write("[database]\nurl = \"postgresql://postamt:p%40ss%3Aword@db.example.test:6543/mail?sslmode=verify-full\"\n"
        + "pool_size = 20\n"), true).database();
    Database.Postgres pg = d.postgres().orElseThrow();
    assertThat(pg.user()).isEqualTo("postamt");
    assertThat(pg.password()).isEqualTo("p@ss:word");
    assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.test:6543/mail?sslmode=verify-full");
    assertThat(pg.display()).isEqualTo("postgresql://postamt:***@db.example.test:6543/mail?sslmode=verify-full");
    assertThat(d.poolSize()).isEqualTo(20);
    assertThat(Database.Postgres.parse("postgres://[2001:db8::5]/m").jdbcUrl()).isEqualTo("jdbc:postgresql://[2001:db8::5]:5432/m");
  }

  @Test
  void badUrlsAreNamedByTheirKey() throws Exception {
    for (String bad : new String[] {"mysql://h/db", "postgresql:///db", "postgresql://host", "postgresql://host/", "not a url"}) {
      Path f = write("[database]\nurl = \"" + bad + "\"\n");
      assertThatThrownBy(() -> Config.load(f, true)).as(bad).isInstanceOf(ConfigException.class)
          .hasMessageContaining("database.url");
    }
  }

  @Test
  void configShowNeverPrintsThePassword() throws Exception {
    Path f = write("[database]\nurl = \"postgresql://postamt:hunter2@db.example.test/mail\"\n");
    assertThat(Config.settings(f, true)).filteredOn(s -> s.key().equals("database.url")).singleElement()
        .satisfies(s -> assertThat(s.value()).isEqualTo("\"postgresql://postamt:***@db.example.test:5432/mail\"").doesNotContain("hunter2"));
  }

  @Test
  void messageBodiesInPostgresqlNeedAPostgresqlUrl() throws Exception {
    assertThat(Config.defaults().store().blobs()).isEqualTo("maildir");
    assertThat(Config.defaults().store().blobsInDatabase()).isFalse();
    Config pg = Config.load(write("[database]\nurl = \"postgresql://db.example.test/mail\"\n[store]\nblobs = \"postgresql\"\n"),
        true);
    assertThat(pg.store().blobsInDatabase()).isTrue();
    Path sqlite = write("[store]\nblobs = \"postgresql\"\n");
    assertThatThrownBy(() -> Config.load(sqlite, true)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("store.blobs").hasMessageContaining("[database] url");
    Path typo = write("[store]\nblobs = \"s3\"\n");
    assertThatThrownBy(() -> Config.load(typo, true)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("store.blobs").hasMessageContaining("\"maildir\" or \"postgresql\"");
  }
}
