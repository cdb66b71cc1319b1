package dev.postamt.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.dns.ZoneFileResolver;
import dev.postamt.net.TlsContext;
import dev.postamt.testing.MailHost;
import dev.postamt.testing.MailNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MTA-STS end to end between two instances: B publishes its policy at
 * {@code https://mta-sts.b.test/.well-known/mta-sts.txt} from its own https listener (on 127.0.1.3:443,
 * with a certificate naming mx.b.test and mta-sts.b.test); A fetches it, caches it and delivers only
 * to an MX the policy names over TLS it can verify. Port 443 needs root: the test is skipped when the
 * listener cannot bind it.
 */
class MtaStsDeliveryTest {
  private static final String ZONE =
      """
      $ORIGIN test.
      $TTL 300
      a.test.           MX 10 mx.a.test.
      mx.a.test.        A  127.0.1.2
      b.test.           MX 10 mx.b.test.
      mx.b.test.        A  127.0.1.3
      mta-sts.b.test.   A  127.0.1.3
      _mta-sts.b.test.  TXT "v=STSv1; id=20261204a"
      """;

  @RegisterExtension final MailNetwork net = MailNetwork.withZone(ZONE);

  private Path cert;

  /** B with its MTA-STS policy naming {@code mx}. */
  private MailHost receiver(String mx) throws Exception {
    MailHost b = net.host("127.0.1.3", "mx.b.test", "b.test", List.of("bob"), MailHost.Sections.none()
        .bottom("[mta_sts]\nmode = \"enforce\"\nmx = [\"" + mx + "\"]\nmax_age = \"1d\"\n"
            + "[tls]\ncertificate = \"cert.pem\"\nprivate_key = \"key.pem\"\n"));
    cert = b.dir.resolve("cert.pem");
    TlsContext.writeSelfSigned(List.of("mx.b.test", "mta-sts.b.test"), cert, b.dir.resolve("key.pem"));
    String cfg = Files.readString(b.configFile);
    Files.writeString(b.configFile, cfg.replaceFirst("(?m)^smtp = (.*)$", "smtp = $1\nhttps = \"127.0.1.3:443\""));
    try {
      return b.start();
    } catch (java.io.IOException e) {
      Assumptions.abort("cannot listen on 127.0.1.3:443 (needs root): " + e.getMessage());
      throw e;
    }
  }

  private MailHost sender(boolean trust) throws Exception {
    String delivery = trust ? "tls_trust = \"" + cert + "\"\n" : "";
    return net.host("127.0.1.2", "mx.a.test", "a.test", List.of("alice"),
        new MailHost.Sections("", delivery, "", "", "")).start();
  }

  @Test
  void thePolicyIsServedFetchedAndCached() throws Exception {
    MailHost b = receiver("mx.b.test");
    Path cache = net.dir.resolve("sts-cache");
    MtaStsResolver r = new MtaStsResolver(ZoneFileResolver.load(net.zone), cache, TrustedTls.create(Optional.of(cert)), 443,
        Clock.systemUTC());
    MtaStsPolicy p = r.policy("b.test").orElseThrow();
    assertThat(p.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
    assertThat(p.mx()).containsExactly("mx.b.test");
    assertThat(p.id()).isEqualTo("20261204a");
    assertThat(Files.readString(cache.resolve("b.test"))).contains("version: STSv1").contains("id: 20261204a");

    b.stop();
    // a new resolver (a restart) with the same TXT id uses the cached policy: B is down
    MtaStsResolver again = new MtaStsResolver(ZoneFileResolver.load(net.zone), cache, TrustedTls.create(Optional.of(cert)), 443,
        Clock.systemUTC());
    assertThat(again.policy("b.test")).contains(p);
    // a changed id while B is down: the fetch fails, the cached policy stays in force (RFC 8461 §5.1)
    MtaStsResolver changed = new MtaStsResolver(ZoneFileResolver.parse(ZONE.replace("id=20261204a", "id=20261205")), cache,
        TrustedTls.create(Optional.of(cert)), 443, Clock.systemUTC());
    assertThat(changed.policy("b.test")).contains(p);
    // without trust in B's certificate nothing is fetched for a domain not cached
    MtaStsResolver untrusting = new MtaStsResolver(ZoneFileResolver.load(net.zone), net.dir.resolve("other-cache"),
        TrustedTls.create(Optional.empty()), 443, Clock.systemUTC());
    assertThat(untrusting.policy("b.test")).isEmpty();
  }

  @Test
  void enforceDeliversOverVerifiedTlsToAnMxThePolicyNames() throws Exception {
    MailHost b = receiver("mx.b.test");
    MailHost a = sender(true);
    a.send("alice@a.test", "bob@b.test", "under mta-sts");
    assertThat(b.awaitMessages("bob@b.test", 1).getFirst()).contains("under mta-sts").contains("with ESMTPS ");
    // TLS-RPT (RFC 8460): one successful session under the sts policy, with its policy strings
    String report = tlsReport(a);
    assertThat(report).contains("\"policy-type\":\"sts\"").contains("\"mode: enforce\"").contains("\"mx-host\":[\"mx.b.test\"]")
        .contains("\"total-successful-session-count\":1,\"total-failure-session-count\":0");
  }

  @Test
  void aPolicyHostWeCannotVerifyIsReportedAsStsWebpkiInvalid() throws Exception {
    MailHost b = receiver("mx.b.test");
    MailHost a = sender(false);
    a.send("alice@a.test", "bob@b.test", "no policy to be had");
    // no policy could be fetched and none was cached: delivered as without one (RFC 8461 §5.1)
    assertThat(b.awaitMessages("bob@b.test", 1).getFirst()).contains("no policy to be had");
    assertThat(tlsReport(a)).contains("\"policy-type\":\"sts\"").contains("\"result-type\":\"sts-webpki-invalid\"")
        .contains("\"policy-type\":\"no-policy-found\"");
  }

  /** The TLS report of today for b.test, as {@code postamt tlsrpt send --dry-run} prints it. */
  private static String tlsReport(MailHost a) {
    String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
    return a.cli("tlsrpt", "send", "--date", today, "--dry-run").out().lines().filter(l -> l.contains("\"policy-domain\":\"b.test\""))
        .findFirst().orElse("");
  }

  @Test
  void enforceDefersWhenNoMxMatches() throws Exception {
    MailHost b = receiver("mail.b.test");
    MailHost a = sender(true);
    a.send("alice@a.test", "bob@b.test", "no matching mx");
    assertThat(deferral(a)).startsWith("4.7.5 no MX host of b.test is named by its MTA-STS policy");
    assertThat(b.messages("bob@b.test")).isEmpty();
    assertThat(tlsReport(a)).contains("\"policy-type\":\"sts\"").contains("\"result-type\":\"validation-failure\"")
        .contains("\"receiving-mx-hostname\":\"mx.b.test\"").contains("\"total-successful-session-count\":0");
  }

  private static String deferral(MailHost a) throws Exception {
    return Deferrals.await(a, null);
  }
}
