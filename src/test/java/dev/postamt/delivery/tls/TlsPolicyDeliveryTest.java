package dev.postamt.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.MailHost;
import dev.postamt.testing.MailNetwork;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code [tls_policy]} between two instances: B (mx.b.test) receives for b.test, other.test and
 * plain.test with its self-signed certificate naming mx.b.test; A sends under each level, trusting
 * B's certificate through {@code [delivery] tls_trust} or not.
 */
class TlsPolicyDeliveryTest {
  @RegisterExtension final MailNetwork net = MailNetwork.withZone(
      """
      $ORIGIN test.
      $TTL 300
      a.test.        MX 10 mx.a.test.
      mx.a.test.     A  127.0.1.2
      b.test.        MX 10 mx.b.test.
      other.test.    MX 10 mx.b.test.
      plain.test.    MX 10 mx.b.test.
      mx.b.test.     A  127.0.1.3
      """);

  private MailHost receiver() throws Exception {
    MailHost b = net.host("127.0.1.3", "mx.b.test", "b.test", List.of("bob"), MailHost.Sections.none()).start();
    try (var d = dev.postamt.directory.Directory.open(b.dir.resolve("data"))) {
      for (String dom : List.of("other.test", "plain.test")) {
        d.addDomain(dom);
        d.addUser("bob@" + dom, MailHost.PASSWORD.toCharArray());
      }
    }
    return b;
  }

  private MailHost sender(String delivery, String policy) throws Exception {
    return net.host("127.0.1.2", "mx.a.test", "a.test", List.of("alice"),
        new MailHost.Sections("", delivery, "", "", "[tls_policy]\n" + policy)).start();
  }

  private static String trust(MailHost b) {
    return "tls_trust = \"" + b.dir.resolve("data/tls/selfsigned.crt") + "\"\n";
  }

  private static String deferral(MailHost a, String rcpt) throws Exception {
    return Deferrals.await(a, rcpt);
  }

  @Test
  void verifyAndSecureDeliverOnlyToATrustedCertificateNamingTheRightHost() throws Exception {
    MailHost b = receiver();
    MailHost a = sender(trust(b), "\"b.test\" = \"verify\"\n\"other.test\" = \"secure\"\n\"plain.test\" = \"none\"\n");

    a.send("alice@a.test", "bob@b.test", "verified");
    assertThat(b.awaitMessages("bob@b.test", 1).getFirst()).contains("verified")
        .containsPattern("by mx.b.test \\(Postamt\\) with ESMTPS ");

    a.send("alice@a.test", "bob@plain.test", "in clear");
    assertThat(b.awaitMessages("bob@plain.test", 1).getFirst()).contains("in clear")
        .containsPattern("by mx.b.test \\(Postamt\\) with ESMTP ");

    // secure wants other.test or a subdomain of it; B's certificate names mx.b.test only
    a.send("alice@a.test", "bob@other.test", "held back");
    assertThat(deferral(a, "bob@other.test")).startsWith("4.7.5 ").contains("tls_policy: secure")
        .contains("mx.b.test").contains("not other.test or a subdomain of it");
    assertThat(b.messages("bob@other.test")).isEmpty();
  }

  @Test
  void anUntrustedCertificateDefersVerifyButEncryptTakesIt() throws Exception {
    MailHost b = receiver();
    MailHost a = sender("", "\"b.test\" = \"verify\"\n\"other.test\" = \"encrypt\"\n");

    a.send("alice@a.test", "bob@other.test", "encrypted anyway");
    assertThat(b.awaitMessages("bob@other.test", 1).getFirst()).contains("encrypted anyway")
        .containsPattern("with ESMTPS ");

    a.send("alice@a.test", "bob@b.test", "not verifiable");
    assertThat(deferral(a, "bob@b.test")).startsWith("4.7.5 ").contains("tls_policy: verify");
    assertThat(b.messages("bob@b.test")).isEmpty();
  }

  @Test
  void aDaneLevelNeedsValidatedDns(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path cfg = dir.resolve("postamt.toml");
    java.nio.file.Files.writeString(cfg, "[tls_policy]\n\"example.org\" = \"dane\"\n\"x.example\" = \"sometimes\"\n");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> dev.postamt.config.Config.load(cfg, true)))
        .hasMessageContaining("tls_policy.\"example.org\": \"dane\" needs validated DNS: set [dns] dnssec = true")
        .hasMessageContaining("tls_policy.\"x.example\": must be one of none, may, encrypt, dane, dane-only, verify, secure");
  }
}
