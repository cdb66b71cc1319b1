package dev.postamt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [ban]}: the defaults, every key, each bad value named by its key, and {@code config show}. */
class BanConfigTest {
  @TempDir Path dir;

  Path write(String toml) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, toml);
    return f;
  }

  @Test
  void onByDefaultTenFailuresInTenMinutesBanTenMinutesUpToAWeek() {
    Ban b = Config.defaults().ban();
    assertThat(b.enabled()).isTrue();
    assertThat(b.authFailures()).isEqualTo(10);
    assertThat(b.window()).isEqualTo(Duration.ofMinutes(10));
    assertThat(b.duration()).isEqualTo(Duration.ofMinutes(10));
    assertThat(b.maxDuration()).isEqualTo(Duration.ofDays(7));
    assertThat(b.allow()).isEmpty();
  }

  @Test
  void everyKeyIsRead() throws Exception {
    Ban b = Config.load(write("[ban]\nenabled = false\nauth_failures = 3\nwindow = \"1h\"\nduration = \"30m\"\n"
        + "max_duration = \"2d\"\nallow = [\"192.0.2.0/24\", \"2001:db8::/32\"]\n"), true).ban();
    assertThat(b).isEqualTo(new Ban(false, 3, Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofDays(2),
        List.of(Cidr.parse("192.0.2.0/24"), Cidr.parse("2001:db8::/32"))));
  }

  @Test
  void badValuesAreNamedByTheirKeyAllAtOnce() throws Exception {
    Path f = write("[ban]\nauth_failures = 0\nduration = \"2h\"\nmax_duration = \"1h\"\nallow = [\"example.test\"]\nbantime = 5\n");
    assertThatThrownBy(() -> Config.load(f, true))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems())
            .anyMatch(p -> p.contains("ban.auth_failures"))
            .anyMatch(p -> p.contains("ban.max_duration") && p.contains("must not be shorter than ban.duration"))
            .anyMatch(p -> p.contains("ban.allow") && p.contains("example.test"))
            .anyMatch(p -> p.contains("bantime")));
  }

  @Test
  void configShowListsTheBanKeys() throws Exception {
    List<Config.Setting> s = Config.settings(write("[ban]\nauth_failures = 5\n"), true);
    assertThat(s).contains(new Config.Setting("ban.auth_failures", "5", true));
    assertThat(s).extracting(Config.Setting::key)
        .contains("ban.enabled", "ban.window", "ban.duration", "ban.max_duration", "ban.allow");
  }
}
