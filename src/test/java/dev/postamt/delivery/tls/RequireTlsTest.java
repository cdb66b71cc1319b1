package dev.postamt.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.MailHost;
import dev.postamt.testing.MailNetwork;
import dev.postamt.testing.SmtpScript;
import java.net.Socket;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * REQUIRETLS (RFC 8689) through two instances: offered only on encrypted sessions, refused on plain
 * ones, carried to a next hop that is authenticated (DNSSEC-validated MX, certificate verified) and
 * offers it, and bounced with 5.7.10 when the destination's MX hosts cannot be authenticated.
 */
class RequireTlsTest {
  private static final String ZONE =
      """
      $ORIGIN test.
      $TTL 300
      a.test.        MX 10 mx.a.test.
      mx.a.test.     A  127.0.1.2
      b.test.        MX 10 mx.b.test.
      mx.b.test.     A  127.0.1.3
      """;

  @RegisterExtension final MailNetwork net = MailNetwork.withZone(ZONE);

  private MailHost sender(MailHost b, String signed) throws Exception {
    MailHost a = net.host("127.0.1.2", "mx.a.test", "a.test", List.of("alice"),
        new MailHost.Sections("", "tls_trust = \"" + b.dir.resolve("data/tls/selfsigned.crt") + "\"\n", "", "", ""));
    String cfg = Files.readString(a.configFile);
    Files.writeString(a.configFile, cfg.replaceFirst("(?m)^zone_file = (.*)$", "zone_file = $1\nsigned_zones = [\"" + signed + "\"]"));
    return a.start();
  }

  private static void sendRequireTls(MailHost a, String to, String subject) throws Exception {
    try (SmtpScript s = new SmtpScript(new Socket(a.ip, a.port))) {
      s.expect("220 *");
      s.send("EHLO client.test").expect("250 *");
      s.send("MAIL FROM:<alice@a.test> REQUIRETLS").expect("530 5.7.10 *");
      s.send("STARTTLS").expect("220 *");
      s.upgradeTls();
      String ehlo = String.join("\n", s.send("EHLO client.test").read());
      assertThat(ehlo).contains("REQUIRETLS");
      s.send("MAIL FROM:<alice@a.test> REQUIRETLS").expect("250 *");
      s.send("RCPT TO:<" + to + ">").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("From: <alice@a.test>\r\nTo: <" + to + ">\r\nSubject: " + subject + "\r\n\r\nconfidential\r\n.\r\n").expect("250 *");
      s.send("QUIT").expect("221 *");
    }
  }

  @Test
  void travelsToAnAuthenticatedHopThatOffersIt() throws Exception {
    MailHost b = net.host("127.0.1.3", "mx.b.test", "b.test", List.of("bob"), MailHost.Sections.none()).start();
    MailHost a = sender(b, "b.test");
    sendRequireTls(a, "bob@b.test", "kept secret");
    assertThat(b.awaitMessages("bob@b.test", 1).getFirst()).contains("kept secret").contains("with ESMTPS ");
    a.awaitEmptyQueue();
  }

  @Test
  void bouncesWhenTheMxHostsCannotBeAuthenticated() throws Exception {
    MailHost b = net.host("127.0.1.3", "mx.b.test", "b.test", List.of("bob"), MailHost.Sections.none()).start();
    MailHost a = sender(b, "nothing.test");
    sendRequireTls(a, "bob@b.test", "must not leak");
    String dsn = a.awaitMessages("alice@a.test", 1).getFirst();
    assertThat(dsn).contains("5.7.10").contains("REQUIRETLS");
    assertThat(b.messages("bob@b.test")).isEmpty();
  }
}
