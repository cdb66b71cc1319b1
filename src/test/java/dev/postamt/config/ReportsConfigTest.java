package dev.postamt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [reports]}: off and unnamed by default, every key read, every bad value named with its key. */
class ReportsConfigTest {
  @TempDir Path dir;

  private Path file(String toml) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, toml);
    return f;
  }

  @Test
  void sendingIsOffAndNoMailboxIsReadByDefault() throws Exception {
    Config c = Config.load(file("hostname = \"MX.Example.Test\"\n"), true);
    assertThat(c.reports()).isEqualTo(new Reports(Optional.empty(), "mx.example.test", "postmaster@mx.example.test", false,
        50L << 20));
  }

  @Test
  void everyKeyIsRead() throws Exception {
    Config c = Config.load(file("""
        hostname = "mx.example.test"
        [reports]
        mailbox = "Reports@Example.org"
        organization = "Example Mail"
        email = "dmarc@example.org"
        send_dmarc = true
        max_uncompressed = "5M"
        """), true);
    assertThat(c.reports()).isEqualTo(new Reports(Optional.of("reports@example.org"), "Example Mail", "dmarc@example.org",
        true, 5L << 20));
  }

  @Test
  void badValuesAreNamedWithTheirKeys() throws Exception {
    Path f = file("""
        hostname = "mx.example.test"
        [reports]
        mailbox = "not an address"
        email = "nobody"
        max_uncompressed = "1k"
        sned_dmarc = true
        """);
    assertThatThrownBy(() -> Config.load(f, true)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("reports.mailbox").hasMessageContaining("reports.email")
        .hasMessageContaining("reports.max_uncompressed").hasMessageContaining("sned_dmarc");
  }
}
