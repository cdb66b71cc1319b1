package dev.postamt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [antivirus]}: defaults (off), the clamd address forms, and every bad value named by its key. */
class AntivirusConfigTest {
  @TempDir Path dir;

  Config load(String toml) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, toml);
    return Config.load(f, true);
  }

  @Test
  void offByDefaultWithSafeDefaults() {
    Antivirus av = Config.defaults().antivirus();
    assertThat(av.enabled()).isFalse();
    assertThat(av.onUnavailable()).isEqualTo("tempfail");
    assertThat(av.action()).isEqualTo("reject");
    assertThat(av.maxSize()).isEqualTo(25L << 20);
    assertThat(av.timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(av.notifyRecipient()).isTrue();
    assertThat(av.blockAttachments()).isFalse();
  }

  @Test
  void unixAndTcpAddressesAndTheActions() throws Exception {
    Antivirus unix = load("[antivirus]\nclamd = \"unix:/run/clamav/clamd.ctl\"\naction = \"quarantine\"\n"
        + "on_unavailable = \"accept\"\nmax_size = \"100M\"\ntimeout = \"30s\"\nnotify_recipient = false\n").antivirus();
    assertThat(unix.enabled()).isTrue();
    assertThat(unix.clamd()).isEqualTo("unix:/run/clamav/clamd.ctl");
    assertThat(unix.action()).isEqualTo("quarantine");
    assertThat(unix.onUnavailable()).isEqualTo("accept");
    assertThat(unix.maxSize()).isEqualTo(100L << 20);
    assertThat(unix.notifyRecipient()).isFalse();
    assertThat(load("[antivirus]\nclamd = \"tcp:127.0.0.1:3310\"\naction = \"discard\"\n").antivirus().clamd())
        .isEqualTo("tcp:127.0.0.1:3310");
    assertThat(load("[antivirus]\nclamd = \"tcp:[::1]:3310\"\n").antivirus().enabled()).isTrue();
  }

  @Test
  void badValuesAreReportedWithTheirKeys() {
    assertThatThrownBy(() -> load("[antivirus]\nclamd = \"/run/clamav/clamd.ctl\"\non_unavailable = \"pass\"\n"
        + "action = \"bounce\"\nmax_size = \"1k\"\ntimeout = \"0s\"\nscan = true\n"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .anyMatch(p -> p.startsWith("antivirus.clamd: must be \"unix:/path/to/socket\" or \"tcp:host:port\""))
            .anyMatch(p -> p.startsWith("antivirus.on_unavailable: must be \"tempfail\" or \"accept\""))
            .anyMatch(p -> p.startsWith("antivirus.action: must be one of reject, quarantine, discard"))
            .anyMatch(p -> p.startsWith("antivirus.max_size: "))
            .anyMatch(p -> p.startsWith("antivirus.timeout: "))
            .anyMatch(p -> p.equals("antivirus.scan: unknown key")));
    assertThatThrownBy(() -> load("[antivirus]\nclamd = \"tcp:localhost\"\n")).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> load("[antivirus]\nclamd = \"unix:relative.sock\"\n")).isInstanceOf(ConfigException.class);
  }

  @Test
  void quarantineRetentionDefaultsTo30DaysAndIsValidated() throws Exception {
    assertThat(Config.defaults().quarantine().retention()).isEqualTo(Duration.ofDays(30));
    assertThat(load("[quarantine]\nretention = \"7d\"\n").quarantine().retention()).isEqualTo(Duration.ofDays(7));
    assertThatThrownBy(() -> load("[quarantine]\nretention = \"5m\"\nkeep = 3\n"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .anyMatch(p -> p.startsWith("quarantine.retention: "))
            .anyMatch(p -> p.equals("quarantine.keep: unknown key")));
  }
}
