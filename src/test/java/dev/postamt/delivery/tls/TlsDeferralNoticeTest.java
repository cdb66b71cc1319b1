package dev.postamt.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.MailHost;
import dev.postamt.testing.MailNetwork;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 25 item 6: mail held back by a TLS policy says so where the sender and the operator look — the
 * queue listing's last error and the delay notice (RFC 3464 "delayed") carry the 4.7.x status and the
 * policy that demanded TLS. Here the demand is our own {@code [tls_policy]} {@code verify} for a host whose
 * self-signed certificate we do not trust, and DANE with a TLSA record that does not match.
 */
class TlsDeferralNoticeTest {
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

  private MailHost sender(String policy, String signed) throws Exception {
    net.host("127.0.1.3", "mx.b.test", "b.test", List.of("bob"), MailHost.Sections.none()).start();
    MailHost a = net.host("127.0.1.2", "mx.a.test", "a.test", List.of("alice"), new MailHost.Sections("", "", "delay_warning = \"1s\"\n", "",
        policy.isEmpty() ? "" : "[tls_policy]\n" + policy));
    if (!signed.isEmpty()) {
      Files.writeString(net.zone, BASE + "_" + net.port + "._tcp.mx.b.test. TLSA 3 1 1 " + "00".repeat(32) + "\n");
      String cfg = Files.readString(a.configFile);
      Files.writeString(a.configFile, cfg.replaceFirst("(?m)^zone_file = (.*)$", "zone_file = $1\nsigned_zones = [\"" + signed + "\"]"));
    }
    return a.start();
  }

  @Test
  void aVerifyPolicyDeferralIsNamedInTheQueueListingAndTheDelayNotice() throws Exception {
    MailHost a = sender("\"b.test\" = \"verify\"\n", "");
    a.send("alice@a.test", "bob@b.test", "held by tls_policy");
    MailHost.await(() -> a.cli("queue", "list").out().contains("4.7.5"), "the TLS deferral in queue list");
    assertThat(a.cli("queue", "list").out()).contains("TLS is required for b.test (tls_policy: verify)").contains("bob@b.test");
    String notice = a.awaitMessages("alice@a.test", 1).getFirst();
    assertThat(notice).contains("Action: delayed").contains("Status: 4.7.5").contains("tls_policy: verify");
  }

  @Test
  void aDaneDeferralIsNamedInTheQueueListingAndTheDelayNotice() throws Exception {
    MailHost a = sender("", "b.test");
    a.send("alice@a.test", "bob@b.test", "held by dane");
    MailHost.await(() -> a.cli("queue", "list").out().contains("4.7.5"), "the TLS deferral in queue list");
    assertThat(a.cli("queue", "list").out()).contains("DANE authentication of mx.b.test");
    String notice = a.awaitMessages("alice@a.test", 1).getFirst();
    assertThat(notice).contains("Action: delayed").contains("Status: 4.7.5").contains("DANE");
  }
}
