package dev.postamt.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.MailHost;
import dev.postamt.testing.MailNetwork;
import dev.postamt.testing.SmtpScript;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code TLS-Required: No} (RFC 8689 §5) between two instances: B's DNSSEC-validated TLSA record does
 * not match its certificate, so DANE refuses B; with the header field the message goes anyway (over
 * opportunistic TLS), except where our own {@code [tls_policy]} demands DANE or REQUIRETLS was asked for.
 */
class TlsRequiredNoTest {
  private static final String BASE =
      """
      $ORIGIN test.
      $TTL 300
      a.test.        MX 10 mx.a.test.
      mx.a.test.     A  127.0.1.2
      b.test.        MX 10 mx.b.test.
      mx.b.test.     A  127.0.1.3
      """;

  @RegisterExtension final MailNetwork net = MailNetwork.withZone(BASE);

  private MailHost b;

  /** B, then A with a wrong TLSA record for B in a validated zone. */
  private MailHost hosts(String policy) throws Exception {
    b = net.host("127.0.1.3", "mx.b.test", "b.test", List.of("bob"), MailHost.Sections.none()).start();
    Files.writeString(net.zone, BASE + "_" + net.port + "._tcp.mx.b.test. TLSA 3 1 1 " + "00".repeat(32) + "\n");
    MailHost a = net.host("127.0.1.2", "mx.a.test", "a.test", List.of("alice"),
        new MailHost.Sections("", "tls_trust = \"" + b.dir.resolve("data/tls/selfsigned.crt") + "\"\n", "", "",
            policy.isEmpty() ? "" : "[tls_policy]\n" + policy));
    String cfg = Files.readString(a.configFile);
    Files.writeString(a.configFile, cfg.replaceFirst("(?m)^zone_file = (.*)$", "zone_file = $1\nsigned_zones = [\"b.test\"]"));
    return a.start();
  }

  private static void send(MailHost a, String header, String body) throws Exception {
    a.send("alice@a.test", List.of("bob@b.test"), "", header + "Subject: t\r\n\r\n" + body + "\r\n");
  }

  @Test
  void theHeaderFieldLetsTheMessagePassAFailingDanePolicy() throws Exception {
    MailHost a = hosts("");
    send(a, "TLS-Required: No\r\n", "sent despite dane");
    assertThat(b.awaitMessages("bob@b.test", 1).getFirst()).contains("sent despite dane").contains("with ESMTPS ");
    a.awaitEmptyQueue();
  }

  @Test
  void withoutTheHeaderFieldTheSameMessageIsDeferred() throws Exception {
    MailHost a = hosts("");
    send(a, "", "held back");
    assertThat(Deferrals.await(a, null)).startsWith("4.7.5 DANE authentication of mx.b.test");
    assertThat(b.messages("bob@b.test")).isEmpty();
  }

  @Test
  void ourOwnTlsPolicyEntryStillApplies() throws Exception {
    MailHost a = hosts("\"b.test\" = \"dane\"\n");
    send(a, "TLS-Required: No\r\n", "operator says dane");
    assertThat(Deferrals.await(a, null)).startsWith("4.7.5 DANE authentication of mx.b.test");
    assertThat(b.messages("bob@b.test")).isEmpty();
  }

  @Test
  void requireTlsWinsOverTheHeaderField() throws Exception {
    MailHost a = hosts("");
    try (SmtpScript s = new SmtpScript(new Socket(a.ip, a.port))) {
      s.expect("220 *");
      s.send("EHLO client.test").expect("250 *");
      s.send("STARTTLS").expect("220 *");
      s.upgradeTls();
      s.send("EHLO client.test").read();
      s.send("MAIL FROM:<alice@a.test> REQUIRETLS").expect("250 *");
      s.send("RCPT TO:<bob@b.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("From: <alice@a.test>\r\nTLS-Required: No\r\nSubject: both\r\n\r\nboth\r\n.\r\n").expect("250 *");
      s.send("QUIT").expect("221 *");
    }
    assertThat(Deferrals.await(a, null)).contains("DANE authentication of mx.b.test");
    assertThat(b.messages("bob@b.test")).isEmpty();
  }

  @Test
  void onlyTheValueNoInTheHeaderSectionCounts() throws Exception {
    assertThat(saysNo("TLS-Required: No\r\n\r\nbody")).isTrue();
    assertThat(saysNo("Subject: x\r\ntls-required:   no (please)\r\n\r\nbody")).isTrue();
    assertThat(saysNo("TLS-Required: Yes\r\n\r\nbody")).isFalse();
    assertThat(saysNo("X-TLS-Required: No\r\n\r\nbody")).isFalse();
    assertThat(saysNo("Subject: x\r\n\r\nTLS-Required: No\r\n")).as("in the body").isFalse();
    assertThat(saysNo("Subject: x\n\tTLS-Required: No\n\nbody")).as("a folded line").isFalse();
  }

  private static boolean saysNo(String message) throws Exception {
    return TlsRequiredHeader.saysNo("", new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)));
  }
}
