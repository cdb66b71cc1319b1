package dev.postamt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [archive]}: off by default, ten years, per-domain retention, and each bad value named by its key. */
class ArchiveConfigTest {
  @TempDir Path dir;

  Path write(String toml) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, toml);
    return f;
  }

  @Test
  void offByDefaultTenYearsUnderTheDataDirectory() throws Exception {
    Archive a = Config.load(write("data_dir = \"d\"\n"), true).archive();
    assertThat(a.journal()).isFalse();
    assertThat(a.dir()).isEqualTo(dir.resolve("d").resolve("archive"));
    assertThat(a.retention()).isEqualTo(new Archive.Retention(10, ChronoUnit.YEARS));
    assertThat(a.domainRetention()).isEmpty();
  }

  @Test
  void aMessageIsKeptForTheLongestRetentionAmongItsDomainsThatHaveOne() throws Exception {
    Archive a = Config.load(write("""
        [archive]
        journal = true
        dir = "/var/archive"
        retention = "5y"
        segment_size = "1M"
        [archive.domain_retention]
        "Example.org" = "7y"
        "short.example" = "90d"
        """), true).archive();
    assertThat(a.journal()).isTrue();
    assertThat(a.dir()).isEqualTo(Path.of("/var/archive"));
    assertThat(a.segmentSize()).isEqualTo(1 << 20);
    assertThat(a.retentionFor(List.of("short.example", "example.org"))).isEqualTo(new Archive.Retention(7, ChronoUnit.YEARS));
    assertThat(a.retentionFor(List.of("short.example", "elsewhere.example"))).isEqualTo(new Archive.Retention(90, ChronoUnit.DAYS));
    assertThat(a.retentionFor(List.of("elsewhere.example"))).isEqualTo(new Archive.Retention(5, ChronoUnit.YEARS));
    Instant t = Instant.parse("2020-02-29T12:00:00Z");
    assertThat(a.retention().after(t)).isEqualTo(Instant.parse("2025-02-28T12:00:00Z"));
  }

  @Test
  void badValuesAreNamedByTheirKeyAllAtOnce() throws Exception {
    Path f = write("""
        [archive]
        journal = "yes"
        retention = "10 years"
        segment_size = 10
        keep = 1
        [archive.domain_retention]
        "bad domain" = "1y"
        "ok.example" = 7
        """);
    assertThatThrownBy(() -> Config.load(f, true))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems())
            .anyMatch(p -> p.startsWith("archive.journal:"))
            .anyMatch(p -> p.startsWith("archive.retention:") && p.contains("10 years"))
            .anyMatch(p -> p.startsWith("archive.segment_size:"))
            .anyMatch(p -> p.startsWith("archive.keep: unknown key"))
            .anyMatch(p -> p.startsWith("archive.domain_retention.\"bad domain\":"))
            .anyMatch(p -> p.startsWith("archive.domain_retention.\"ok.example\":")));
  }
}
