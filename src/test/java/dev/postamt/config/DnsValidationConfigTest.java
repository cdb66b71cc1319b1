package dev.postamt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [dns] dnssec_validation} and {@code trust_anchors}. */
class DnsValidationConfigTest {
  @TempDir Path dir;

  private Path write(String toml) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, toml);
    return f;
  }

  @Test
  void theServersValidateByDefault() {
    Dns d = Config.defaults().dns();
    assertThat(d.validateHere()).isFalse();
    assertThat(d.dnssec()).isFalse();
  }

  @Test
  void validatingHereTurnsDnssecOnAndReadsTheAnchors() throws Exception {
    Path anchors = dir.resolve("anchors");
    Files.writeString(anchors, ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n");
    Dns d = Config.load(write("[dns]\ndnssec_validation = \"postamt\"\ntrust_anchors = \"" + anchors + "\"\n"), true).dns();
    assertThat(d.validateHere()).isTrue();
    assertThat(d.dnssec()).isTrue();
    assertThat(d.trustAnchors()).contains(anchors);
  }

  @Test
  void badValuesAreNamedByTheirKey() throws Exception {
    Path f = write("[dns]\ndnssec_validation = \"maybe\"\ntrust_anchors = \"/nonexistent/anchors\"\n");
    assertThatThrownBy(() -> Config.load(f, true)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("dns.dnssec_validation").hasMessageContaining("dns.trust_anchors");
  }
}
