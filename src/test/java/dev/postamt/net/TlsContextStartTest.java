package dev.postamt.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's start reads and checks the certificate and key before its listeners open and makes the
 * JSSE context after them (issue 27, start to banner): what was wrong stays an error at start.
 */
class TlsContextStartTest {
  @TempDir Path dir;

  private Config config(String tls) throws Exception {
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(cfg, "hostname = \"mx.example.test\"\n[listen]\nsmtp = \"127.0.0.1:0\"\n" + tls);
    return Config.load(cfg, true);
  }

  @Test
  void theContextIsMadeAtReadyOrAtTheFirstUseAndOnlyOnce() throws Exception {
    TlsContext t = TlsContext.forStart(config(""));
    var first = t.sslContext(); // a handshake before ready()
    t.ready();
    assertThat(t.sslContext()).isSameAs(first);
    assertThat(first.getProtocol()).isEqualTo("TLS");
  }

  @Test
  void aFirstStartMakesItsSelfSignedPairWithTheContextAfterTheListenersNotBefore() throws Exception {
    Path crt = dir.resolve("data/tls/selfsigned.crt");
    TlsContext t = TlsContext.forStart(config(""));
    assertThat(crt).as("the RSA key's search does not hold up the banner").doesNotExist();
    t.ready();
    assertThat(crt).exists();
    String made = Files.readString(crt);
    TlsContext again = TlsContext.forStart(config("")); // a restart reads the pair the first start made
    assertThat(again.sslContext().getProtocol()).isEqualTo("TLS");
    assertThat(Files.readString(crt)).as("kept across restarts").isEqualTo(made);
  }

  @Test
  void aRestartReadsItsOwnPairWithTheContextAndMakesADamagedOneAgain() throws Exception {
    TlsContext.forStart(config("")).ready();
    Path key = dir.resolve("data/tls/selfsigned.key");
    Files.writeString(key, "not a key\n");
    TlsContext t = TlsContext.forStart(config("")); // nothing read yet: the banner does not wait for it
    assertThat(Files.readString(key)).isEqualTo("not a key\n");
    t.ready();
    assertThat(Files.readString(key)).as("made again").contains("PRIVATE KEY");
    assertThat(t.sslContext().getProtocol()).isEqualTo("TLS");
  }

  @Test
  void aMissingKeyStopsTheStartBeforeTheListeners() throws Exception {
    Path own = dir.resolve("own");
    TlsContext.writeSelfSigned(List.of("mx.example.test"), own.resolve("c.pem"), own.resolve("k.pem"));
    Files.writeString(own.resolve("k.pem"), "not a key\n");
    Config c = config("[tls]\ncertificate = \"own/c.pem\"\nprivate_key = \"own/k.pem\"\n");
    assertThatThrownBy(() -> TlsContext.forStart(c)).isInstanceOf(IOException.class).hasMessageContaining("k.pem");
  }

  @Test
  void aKeyThatDoesNotFitTheCertificateIsAnErrorAtReadyNotAStackTraceLater() throws Exception {
    Path own = dir.resolve("own");
    TlsContext.writeSelfSigned(List.of("mx.example.test"), own.resolve("c.pem"), own.resolve("k.pem")); // RSA
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    byte[] pkcs8 = ec.generateKeyPair().getPrivate().getEncoded();
    Files.writeString(own.resolve("k.pem"), "-----BEGIN PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs8) + "\n-----END PRIVATE KEY-----\n");
    TlsContext t = TlsContext.forStart(config("[tls]\ncertificate = \"own/c.pem\"\nprivate_key = \"own/k.pem\"\n"));
    assertThatThrownBy(t::ready).isInstanceOf(IOException.class).hasMessageContaining("c.pem");
  }
}
