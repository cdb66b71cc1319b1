package dev.postamt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SrsConfigTest {
  @TempDir Path dir;

  private Path file(String toml) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, toml);
    return f;
  }

  @Test
  void defaultsFollowTheHostnameAndDataDir() throws Exception {
    Config c = Config.load(file("hostname = \"MX.Example.Test\"\ndata_dir = \"d\"\n"), true);
    assertThat(c.srs()).isEqualTo(new Srs(true, "mx.example.test", 21, dir.resolve("d/srs.key")));
    assertThat(Config.defaults().srs().enabled()).isTrue();
  }

  @Test
  void everyKeyIsRead() throws Exception {
    Config c = Config.load(file("""
        hostname = "mx.example.test"
        [srs]
        enabled = false
        domain = "SRS.Example.Test"
        max_age = "30d"
        key_file = "keys/srs.secrets"
        """), true);
    assertThat(c.srs()).isEqualTo(new Srs(false, "srs.example.test", 30, dir.resolve("keys/srs.secrets")));
  }

  @Test
  void badValuesNameTheirKeys() throws Exception {
    Path f = file("""
        [srs]
        enabled = "yes"
        domain = "not a domain"
        max_age = "36h"
        hash_length = 8
        """);
    assertThatThrownBy(() -> Config.load(f, true))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).anyMatch(m -> m.startsWith("srs.enabled: "))
            .anyMatch(m -> m.startsWith("srs.domain: must be a DNS name"))
            .anyMatch(m -> m.startsWith("srs.max_age: must be whole days"))
            .anyMatch(m -> m.equals("srs.hash_length: unknown key")));
    assertThatThrownBy(() -> Config.load(file("[srs]\nmax_age = \"2000d\"\n"), true))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).anyMatch(m -> m.startsWith("srs.max_age: ")));
    assertThatThrownBy(() -> Config.load(file("[srs]\nmax_age = \"0d\"\n"), true))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).anyMatch(m -> m.startsWith("srs.max_age: ")));
  }

  @Test
  void configShowListsTheSection() throws Exception {
    Path f = file("hostname = \"mx.example.test\"\n[srs]\nmax_age = \"10d\"\n");
    var settings = Config.settings(f, true);
    assertThat(settings).anyMatch(s -> s.key().equals("srs.enabled") && s.value().equals("true") && !s.given());
    assertThat(settings).anyMatch(s -> s.key().equals("srs.domain") && s.value().equals("\"mx.example.test\""));
    assertThat(settings).anyMatch(s -> s.key().equals("srs.max_age") && s.value().equals("\"10d\"") && s.given());
    assertThat(settings).anyMatch(s -> s.key().equals("srs.key_file") && s.value().endsWith("srs.key\""));
  }
}
