package dev.postamt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The front door's keys added with issue 16's second half: {@code [proxy_protocol]} and the rest. */
class FrontDoorConfigTest {
  @TempDir Path dir;

  Path write(String toml) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, toml);
    return f;
  }

  private void assertProblems(String toml, String... fragments) throws Exception {
    Path f = write(toml);
    assertThatThrownBy(() -> Config.load(f, true))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> {
          List<String> problems = ((ConfigException) e).problems();
          for (String fragment : fragments) {
            assertThat(problems).anyMatch(p -> p.contains(fragment));
          }
        });
  }

  @Test
  void proxyProtocolIsOffByDefault() {
    ProxyProtocol p = Config.defaults().proxyProtocol();
    assertThat(p.listeners()).isEmpty();
    assertThat(p.expects("smtp")).isFalse();
    assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void proxyProtocolNamesItsProxiesAndListeners() throws Exception {
    ProxyProtocol p = Config.load(write("""
        [proxy_protocol]
        from = ["127.0.0.1/32", "2001:db8::/64"]
        listeners = ["smtp", "imaps", "managesieve"]
        timeout = "2s"
        """), true).proxyProtocol();
    assertThat(p.from()).containsExactly(Cidr.parse("127.0.0.1/32"), Cidr.parse("2001:db8::/64"));
    assertThat(p.expects("imaps")).isTrue();
    assertThat(p.expects("pop3")).isFalse();
    assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void badProxyProtocolValuesAreNamedByTheirKey() throws Exception {
    assertProblems("[proxy_protocol]\nfrom = [\"proxy.example\"]\nlisteners = [\"smtp\", \"ftp\"]\nport = 1\n",
        "proxy_protocol.from", "proxy_protocol.listeners: unknown listener \"ftp\"", "proxy_protocol.port: unknown key");
    assertProblems("[proxy_protocol]\nlisteners = [\"smtp\"]\n", "proxy_protocol.from: must name the proxies");
  }
}
