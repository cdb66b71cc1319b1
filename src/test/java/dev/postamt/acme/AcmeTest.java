package dev.postamt.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.MailHost;
import dev.postamt.testing.MailNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ACME (RFC 8555) against Pebble: with {@code [tls] acme = true} the server gets a certificate for
 * {@code mx.acme.test} at start, Pebble validating http-01 through our own http listener, and its https
 * listener serves it without a restart; a renewal replaces it again while running. Skipped when the
 * {@code pebble} package is not installed.
 */
class AcmeTest {
  @RegisterExtension final MailNetwork net = MailNetwork.withZone("$ORIGIN test.\n");

  private Pebble pebble;

  @AfterEach
  void stopPebble() throws Exception {
    if (pebble != null) {
      pebble.close();
    }
  }

  /** The certificate the https listener presents for {@code name}. */
  private static X509Certificate served(int port, String name) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      SSLParameters p = s.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName(name)));
      s.setSSLParameters(p);
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  @Test
  void getsACertificateOverHttp01AndServesItAndItsRenewalWithoutRestart() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Pebble.BINARY),
        "pebble is not installed (apt-get install pebble): the ACME test needs Let's Encrypt's test CA");
    int http = MailHost.freePort();
    int https = MailHost.freePort();
    pebble = Pebble.start(net.dir, http);
    MailHost a = net.host("127.0.1.2", "mx.acme.test", "acme.test", List.of("alice"), MailHost.Sections.none()
        .bottom("[tls]\nacme = true\nacme_directory = \"" + pebble.directory() + "\"\nacme_email = \"postmaster@acme.test\"\n"
            + "acme_trust = \"" + pebble.trust + "\"\n"));
    String cfg = Files.readString(a.configFile);
    Files.writeString(a.configFile, cfg.replaceFirst("(?m)^smtp = (.*)$",
        "smtp = $1\nhttp = \"127.0.0.1:" + http + "\"\nhttps = \"127.0.0.1:" + https + "\""));
    a.start();
    assertThat(served(https, "mx.acme.test").getIssuerX500Principal().getName()).as("self-signed until ACME has one")
        .contains("mx.acme.test");

    Path cert = a.dir.resolve("data/acme/cert.pem");
    MailHost.await(() -> Files.exists(cert), "the ACME certificate (pebble log: " + pebble.log + ")");
    X509Certificate first = AcmeRenewal.leaf(cert).orElseThrow();
    assertThat(first.getIssuerX500Principal().getName()).contains("Pebble");
    assertThat(first.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList()).containsExactly("mx.acme.test");
    MailHost.await(() -> {
      try {
        return served(https, "mx.acme.test").equals(first);
      } catch (Exception e) {
        return false;
      }
    }, "the https listener to serve the ACME certificate");
    assertThat(AcmeRenewal.due(cert, List.of("mx.acme.test"), java.time.Instant.now())).isEmpty();
    assertThat(Files.list(a.dir.resolve("data/acme/challenges")).toList()).as("challenge answers withdrawn").isEmpty();

    // a renewal while running: the listener serves the new certificate at once
    assertThat(a.server().acme().orElseThrow().renew(a.config(), true)).hasValueSatisfying(s -> assertThat(s).contains("mx.acme.test"));
    X509Certificate second = AcmeRenewal.leaf(cert).orElseThrow();
    assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
    assertThat(served(https, "mx.acme.test")).isEqualTo(second);
  }

  @Test
  void aCertificateIsDueWhenMissingExpiringOrNamingOthers() throws Exception {
    Path dir = net.dir.resolve("due");
    Path cert = dir.resolve("cert.pem");
    assertThat(AcmeRenewal.due(cert, List.of("mx.acme.test"), java.time.Instant.now())).contains("no certificate yet");
    dev.postamt.net.TlsContext.writeSelfSigned(List.of("mx.acme.test"), cert, dir.resolve("key.pem"));
    assertThat(AcmeRenewal.due(cert, List.of("mx.acme.test"), java.time.Instant.now())).isEmpty();
    assertThat(AcmeRenewal.due(cert, List.of("mx.acme.test", "imap.acme.test"), java.time.Instant.now()))
        .contains("does not name imap.acme.test");
    // the self-signed certificate is valid ten years: 30 days before its end it is due
    java.time.Instant late = AcmeRenewal.leaf(cert).orElseThrow().getNotAfter().toInstant().minus(java.time.Duration.ofDays(29));
    assertThat(AcmeRenewal.due(cert, List.of("mx.acme.test"), late)).hasValueSatisfying(s -> assertThat(s).startsWith("expires "));
  }
}
