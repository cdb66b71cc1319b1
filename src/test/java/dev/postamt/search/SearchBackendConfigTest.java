package dev.postamt.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.config.Config;
import dev.postamt.config.ConfigException;
import dev.postamt.config.Search;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [search] backend}: PostgreSQL with a PostgreSQL database unless told "lucene"; a bad value is named. */
class SearchBackendConfigTest {
  @TempDir Path dir;

  private Config load(String toml) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, toml);
    return Config.load(f, true);
  }

  @Test
  void theBackendFollowsTheDatabaseUnlessNamed() throws Exception {
    String pg = "[database]\nurl = \"postgresql://postamt@db.example.test/mail\"\n";
    assertThat(load("").search().inPostgres(false)).isFalse();
    assertThat(load(pg).search().backend()).isEqualTo(Search.Backend.AUTO);
    assertThat(load(pg).search().inPostgres(true)).isTrue();
    assertThat(load(pg + "[search]\nbackend = \"lucene\"\n").search().inPostgres(true)).isFalse();
    assertThat(load(pg + "[search]\nbackend = \"postgresql\"\n").search().inPostgres(true)).isTrue();
  }

  @Test
  void aBadBackendAndPostgresWithoutADatabaseAreNamedByTheirKey() {
    assertThatThrownBy(() -> load("[search]\nbackend = \"xapian\"\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("search.backend").hasMessageContaining("xapian");
    assertThatThrownBy(() -> load("[search]\nbackend = \"postgresql\"\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("search.backend").hasMessageContaining("[database] url");
  }
}
