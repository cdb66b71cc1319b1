package dev.postamt.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The self-signed certificate names what clients connect to, and follows the hostname (issue 14 item 6). */
class SelfSignedCertificateTest {
  @TempDir Path dir;

  private Config config(String hostname) throws Exception {
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(
        cfg,
        "hostname = \"" + hostname + "\"\n[listen]\nsmtp = \"127.0.0.2:0\"\nimap = \"0.0.0.0:0\"\n");
    return Config.load(cfg, true);
  }

  @Test
  void namesHostnameLocalhostAndListenerAddressesAndIsRemadeWhenTheHostnameChanges() throws Exception {
    TlsContext.fromConfig(config("mx.example.test"));
    Path cert = dir.resolve("data/tls/selfsigned.crt");
    assertThat(TlsContext.subjectAltNames(cert))
        .containsExactly("mx.example.test", "0:0:0:0:0:0:0:1", "127.0.0.1", "127.0.0.2", "localhost");
    byte[] first = Files.readAllBytes(cert);

    TlsContext.fromConfig(config("mx.example.test"));
    assertThat(Files.readAllBytes(cert)).as("same config: same certificate").isEqualTo(first);

    TlsContext.fromConfig(config("mail.example.org"));
    assertThat(TlsContext.subjectAltNames(cert)).first().isEqualTo("mail.example.org");
    assertThat(Files.readAllBytes(cert)).isNotEqualTo(first);
  }

  @Test
  void anOperatorsOwnCertificateIsNeverTouched() throws Exception {
    Path own = dir.resolve("own");
    TlsContext.writeSelfSigned(java.util.List.of("old.example.test"), own.resolve("c.pem"), own.resolve("k.pem"));
    byte[] before = Files.readAllBytes(own.resolve("c.pem"));
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(
        cfg, "hostname = \"new.example.test\"\n[tls]\ncertificate = \"own/c.pem\"\nprivate_key = \"own/k.pem\"\n");
    TlsContext.fromConfig(Config.load(cfg, true));
    assertThat(Files.readAllBytes(own.resolve("c.pem"))).isEqualTo(before);
    assertThat(dir.resolve("data/tls")).doesNotExist();
  }
}
