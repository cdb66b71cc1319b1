package dev.postamt.policy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.postamt.config.Config;
import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import dev.postamt.dns.ZoneFileResolver;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The restriction lists on their own: each built-in check with Postfix's reply, the order and
 * permit/refuse semantics, DNS lists with weights, skips on time-out and SERVFAIL, and the log line.
 * DNS comes from a zone file.
 */
class RestrictionsTest {
  @TempDir Path dir;

  private static final String ZONE =
      """
      sender.example.        MX 10 mx.sender.example.
      mx.sender.example.     A  192.0.2.25
      aonly.example.         A  192.0.2.26
      nullmx.example.        MX 0 .
      loop.example.          CNAME loop.example.
      helo.example.          A  192.0.2.10
      10.2.0.192.in-addr.arpa. PTR helo.example.
      11.2.0.192.in-addr.arpa. PTR liar.example.
      liar.example.          A  192.0.2.99
      ; the DNS lists: 192.0.2.66 is on zen (127.0.0.2) and weak; 192.0.2.67 only on weak;
      ; 192.0.2.68 on weak and the allow list; 192.0.2.69 on zen with an answer outside the pattern
      66.2.0.192.zen.example.test.   A 127.0.0.2
      66.2.0.192.zen.example.test.   TXT "listed"
      66.2.0.192.weak.example.test.  A 127.0.0.2
      67.2.0.192.weak.example.test.  A 127.0.0.2
      68.2.0.192.weak.example.test.  A 127.0.0.2
      68.2.0.192.wl.example.test.    A 127.0.5.1
      69.2.0.192.zen.example.test.   A 127.0.0.99
      66.2.0.192.broken.example.test. CNAME 66.2.0.192.broken.example.test.
      spammer.example.dbl.example.test. A 127.0.1.2
      1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.example.test. A 127.0.0.2
      spammer.example.dbl.example.test. TXT "see https://dbl.example.test/\\001why"
      """;

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(Restrictions.class);

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  /** This test's lines (its clients are all in 192.0.2.0/24; other tests' servers may log meanwhile). */
  private List<String> logLines() {
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).filter(l -> l.contains("[192.0.2.")).toList();
  }

  private Config config(String toml) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, "hostname = \"mx.example.test\"\ndata_dir = \"data\"\n" + toml);
    return Config.load(f, true);
  }

  private Restrictions restrictions(String toml) throws Exception {
    return restrictions(toml, ZoneFileResolver.parse(ZONE));
  }

  private Restrictions restrictions(String toml, Resolver dns) throws Exception {
    return new Restrictions(config(toml), dns, null, Clock.systemUTC());
  }

  private static PolicyRequest rcpt(String ip, String helo, String from, String to) throws Exception {
    return new PolicyRequest(InetAddress.getByName(ip), false, null, helo, from, to, PolicyRequest.RecipientStatus.LOCAL, false);
  }

  private static String reply(Evaluation e) {
    return e.refusal().map(s -> s.result().code() + " " + s.result().enhanced() + " " + s.result().text()).orElse("accept");
  }

  @Test
  void theDefaultListsAcceptAWellBehavedClient() throws Exception {
    Evaluation e = restrictions("").evaluate(PolicyStage.RCPT, rcpt("192.0.2.10", "helo.example", "a@sender.example", "bob@example.test"));
    assertThat(reply(e)).isEqualTo("accept");
    assertThat(e.steps()).extracting(s -> s.list() + ":" + s.restriction().name())
        .contains("client:reject_unknown_client_hostname", "helo:reject_non_fqdn_helo_hostname", "sender:reject_unknown_sender_domain",
            "recipient:check_greylist");
  }

  @Test
  void theDefaultRefusesANonFqdnHeloAndUnknownSenderDomainsWith450Or550() throws Exception {
    Restrictions r = restrictions("");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("192.0.2.10", "localhost", "a@sender.example", "bob@example.test"))))
        .isEqualTo("504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("192.0.2.10", "helo.example", "a@nowhere.example", "bob@example.test"))))
        .isEqualTo("550 5.1.8 <a@nowhere.example>: Sender address rejected: Domain not found");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("192.0.2.10", "helo.example", "a@loop.example", "bob@example.test"))))
        .isEqualTo("450 4.1.8 <a@loop.example>: Sender address rejected: Domain not found");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("192.0.2.10", "helo.example", "a@nullmx.example", "bob@example.test"))))
        .startsWith("550 5.7.27 ");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("192.0.2.10", "helo.example", "a@aonly.example", "bob@example.test"))))
        .isEqualTo("accept");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("192.0.2.10", "helo.example", "", "bob@example.test"))))
        .as("the null sender").isEqualTo("accept");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("192.0.2.10", "[192.0.2.10]", "a@sender.example", "bob@example.test"))))
        .as("an address literal is a qualified HELO").isEqualTo("accept");
  }

  @Test
  void fcrdnsIsOnlyAWarningByDefault() throws Exception {
    Evaluation e = restrictions("").evaluate(PolicyStage.RCPT, rcpt("192.0.2.11", "helo.example", "a@sender.example", "bob@example.test"));
    assertThat(reply(e)).isEqualTo("accept");
    assertThat(logLines()).anySatisfy(l -> assertThat(l)
        .startsWith("policy: warn stage=client client=unknown[192.0.2.11] helo=helo.example from=<a@sender.example> to=<bob@example.test>"
            + " check=reject_unknown_client_hostname reply=\"450 4.7.25\" reason="));
    Restrictions strict = restrictions("[policy]\nclient = [\"reject_unknown_client_hostname\"]\n");
    assertThat(reply(strict.evaluate(PolicyStage.RCPT, rcpt("192.0.2.11", "helo.example", "a@sender.example", "bob@example.test"))))
        .isEqualTo("450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.11]");
    assertThat(reply(strict.evaluate(PolicyStage.RCPT, rcpt("192.0.2.10", "helo.example", "a@sender.example", "bob@example.test"))))
        .isEqualTo("accept");
  }

  @Test
  void permitEndsOnlyItsOwnListAndTheFirstRefusalWins() throws Exception {
    Restrictions r = restrictions(
        "[policy]\nclient = [\"permit\", \"reject\"]\nhelo = [\"reject_invalid_helo_hostname\", \"defer\"]\nsender = [\"reject\"]\n");
    Evaluation e = r.evaluate(PolicyStage.RCPT, rcpt("192.0.2.10", "bad_name!", "a@sender.example", "bob@example.test"));
    assertThat(reply(e)).isEqualTo("501 5.5.2 <bad_name!>: Helo command rejected: Invalid name");
    assertThat(e.steps()).extracting(s -> s.list() + ":" + s.restriction().name())
        .containsExactly("client:permit", "helo:reject_invalid_helo_hostname");
    assertThat(logLines()).containsExactly(
        "policy: reject stage=helo client=helo.example[192.0.2.10] helo=bad_name! from=<a@sender.example> to=<bob@example.test>"
            + " check=reject_invalid_helo_hostname reply=\"501 5.5.2\" reason=not a host name or address literal");
  }

  @Test
  void withoutDelayRejectEachListRunsAtItsOwnStage() throws Exception {
    Restrictions r = restrictions("[policy]\ndelay_reject = false\nhelo = [\"reject_non_fqdn_helo_hostname\"]\n");
    PolicyRequest q = new PolicyRequest(InetAddress.getByName("192.0.2.10"), false, null, "short", null, null, null, false);
    assertThat(reply(r.evaluate(PolicyStage.HELO, q))).startsWith("504 5.5.2");
    assertThat(reply(r.evaluate(PolicyStage.CONNECT, q))).isEqualTo("accept");
    Restrictions delayed = restrictions("[policy]\nhelo = [\"reject_non_fqdn_helo_hostname\"]\n");
    assertThat(reply(delayed.evaluate(PolicyStage.HELO, q))).as("decided at RCPT").isEqualTo("accept");
    assertThat(reply(delayed.evaluate(PolicyStage.RCPT, q))).startsWith("504 5.5.2");
  }

  @Test
  void mynetworksAndAuthenticatedClientsArePermitted() throws Exception {
    Restrictions r = restrictions("");
    PolicyRequest trusted = new PolicyRequest(InetAddress.getByName("192.0.2.66"), true, null, "x", "a@nowhere.example", "x@remote.example",
        PolicyRequest.RecipientStatus.REMOTE, false);
    assertThat(reply(r.evaluate(PolicyStage.RCPT, trusted))).isEqualTo("accept");
    PolicyRequest outsider = new PolicyRequest(InetAddress.getByName("192.0.2.10"), false, null, "helo.example", "a@sender.example",
        "x@remote.example", PolicyRequest.RecipientStatus.REMOTE, false);
    assertThat(reply(r.evaluate(PolicyStage.RCPT, outsider))).isEqualTo("554 5.7.1 <x@remote.example>: Relay access denied");
    PolicyRequest unknown = new PolicyRequest(InetAddress.getByName("192.0.2.10"), false, null, "helo.example", "a@sender.example",
        "nobody@example.test", PolicyRequest.RecipientStatus.UNKNOWN, false);
    assertThat(reply(r.evaluate(PolicyStage.RCPT, unknown))).startsWith("550 5.1.1 <nobody@example.test>");
  }

  @Test
  void rblAndRhsblChecksNameTheList() throws Exception {
    Restrictions r = restrictions("""
        [policy]
        client = ["reject_rbl_client zen.example.test=127.0.0.[2..11]"]
        sender = ["reject_rhsbl_sender dbl.example.test"]
        """);
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("192.0.2.66", "helo.example", "a@sender.example", "bob@example.test"))))
        .isEqualTo("554 5.7.1 Service unavailable; Client host [192.0.2.66] blocked using zen.example.test; listed");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("192.0.2.69", "helo.example", "a@sender.example", "bob@example.test"))))
        .as("an answer outside the pattern does not count").isEqualTo("accept");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("192.0.2.10", "helo.example", "a@spammer.example", "bob@example.test"))))
        .startsWith("554 5.7.1 Service unavailable; Sender address [spammer.example] blocked using dbl.example.test; see https://dbl.example.test/?why")
        .doesNotContain("\u0001");
    assertThat(logLines()).anySatisfy(l -> assertThat(l).contains("check=reject_rbl_client zone=zen.example.test"));
  }

  @Test
  void ipv6ClientsAreAskedByNibblesAndAllowListsAndHeloListsWork() throws Exception {
    Restrictions r = restrictions("""
        [policy]
        client = ["permit_dnswl_client wl.example.test", "reject_rbl_client zen.example.test"]
        helo = ["reject_rhsbl_helo dbl.example.test"]
        """);
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("2001:db8::1", "helo.example", "a@sender.example", "bob@example.test"))))
        .isEqualTo("554 5.7.1 Service unavailable; Client host [2001:db8::1] blocked using zen.example.test");
    Evaluation allowed = r.evaluate(PolicyStage.RCPT, rcpt("192.0.2.68", "helo.example", "a@sender.example", "bob@example.test"));
    assertThat(allowed.steps().getFirst().result().action()).isEqualTo("permit");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("192.0.2.10", "spammer.example", "a@sender.example", "bob@example.test"))))
        .startsWith("554 5.7.1 Service unavailable; Helo command [spammer.example] blocked using dbl.example.test");
  }

  @Test
  void weightsAddUpToTheThresholdAndAllowListsSubtract() throws Exception {
    Restrictions r = restrictions("""
        [policy]
        client = ["check_dnsbl"]
        [dnsbl]
        sites = ["zen.example.test=127.0.0.[2..11]*2", "weak.example.test", "wl.example.test=127.0.[0..255].[1..255]*-2"]
        threshold = 3
        """);
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("192.0.2.66", "helo.example", "a@sender.example", "bob@example.test"))))
        .isEqualTo("554 5.7.1 Service unavailable; client [192.0.2.66] blocked using zen.example.test, weak.example.test");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("192.0.2.67", "helo.example", "a@sender.example", "bob@example.test"))))
        .as("score 1 < 3").isEqualTo("accept");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("192.0.2.68", "helo.example", "a@sender.example", "bob@example.test"))))
        .as("score 1 - 2").isEqualTo("accept");
    Restrictions low = restrictions("[policy]\nclient = [\"check_dnsbl\"]\n[dnsbl]\nsites = [\"weak.example.test\"]\nthreshold = 1\n");
    assertThat(reply(low.evaluate(PolicyStage.RCPT, rcpt("192.0.2.67", "helo.example", "a@sender.example", "bob@example.test"))))
        .endsWith("blocked using weak.example.test");
  }

  @Test
  void aListThatFailsOrTimesOutIsSkippedAndLoggedNeverARefusal() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    Resolver zone = ZoneFileResolver.parse(ZONE);
    Resolver slow = new Resolver() {
      @Override public DnsResult<String> txt(String n) { return zone.txt(n); }
      @Override public DnsResult<InetAddress> a(String n) {
        if (n.endsWith("slow.example.test")) {
          try {
            never.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return DnsResult.tempfail();
        }
        return zone.a(n);
      }
      @Override public DnsResult<InetAddress> aaaa(String n) { return zone.aaaa(n); }
      @Override public DnsResult<Mx> mx(String n) { return zone.mx(n); }
      @Override public DnsResult<String> ptr(InetAddress a) { return zone.ptr(a); }
      @Override public DnsResult<String> cname(String n) { return zone.cname(n); }
      @Override public DnsResult<Tlsa> tlsa(String n) { return zone.tlsa(n); }
    };
    Restrictions r = restrictions("""
        [policy]
        client = ["reject_rbl_client broken.example.test", "reject_rbl_client slow.example.test", "check_dnsbl"]
        [dnsbl]
        sites = ["slow.example.test*5", "broken.example.test*5", "weak.example.test"]
        threshold = 2
        timeout = "200ms"
        """, slow);
    try {
      Evaluation e = r.evaluate(PolicyStage.RCPT, rcpt("192.0.2.66", "helo.example", "a@sender.example", "bob@example.test"));
      assertThat(reply(e)).isEqualTo("accept");
      assertThat(logLines()).filteredOn(l -> l.startsWith("policy: skip ")).hasSize(4)
          .anySatisfy(l -> assertThat(l).contains("check=reject_rbl_client zone=slow.example.test").contains("within"))
          .anySatisfy(l -> assertThat(l).contains("check=reject_rbl_client zone=broken.example.test").contains("SERVFAIL"));
    } finally {
      never.countDown();
    }
  }

  @Test
  void warnIfRejectOnlyLogs() throws Exception {
    Restrictions r = restrictions("[policy]\nclient = [\"warn_if_reject reject_rbl_client zen.example.test\"]\n");
    Evaluation e = r.evaluate(PolicyStage.RCPT, rcpt("192.0.2.66", "helo.example", "a@sender.example", "bob@example.test"));
    assertThat(reply(e)).isEqualTo("accept");
    assertThat(e.steps().getFirst().applied()).isFalse();
    assertThat(logLines()).singleElement().asString().startsWith("policy: warn stage=client client=unknown[192.0.2.66]")
        .contains("zone=zen.example.test");
  }

  @Test
  void explainShowsEveryListAndChangesNothing() throws Exception {
    Restrictions r = restrictions("[policy]\nclient = [\"reject\"]\nsender = [\"reject_non_fqdn_sender\"]\n");
    Evaluation e = r.explain(rcpt("192.0.2.10", "helo.example", "a@localhost", "bob@example.test"));
    assertThat(e.refusal().orElseThrow().list()).isEqualTo("client");
    assertThat(e.steps()).extracting(s -> s.list() + ":" + s.result().action()).contains("client:reject", "sender:reject");
    assertThat(logLines()).isEmpty();
  }

  @Test
  void heloAndAddressSyntax() {
    assertThat(BuiltinChecks.validHelo("mail.example.org")).isTrue();
    assertThat(BuiltinChecks.validHelo("[192.0.2.1]")).isTrue();
    assertThat(BuiltinChecks.validHelo("[IPv6:2001:db8::1]")).isTrue();
    assertThat(BuiltinChecks.validHelo("192.0.2.1")).isFalse();
    assertThat(BuiltinChecks.validHelo("-bad.example")).isFalse();
    assertThat(BuiltinChecks.validHelo("a..b")).isFalse();
    assertThat(BuiltinChecks.validHelo("[300.1.1.1]")).isFalse();
    assertThat(BuiltinChecks.fqdn("localhost")).isFalse();
    assertThat(BuiltinChecks.fqdn("host.123")).isFalse();
    assertThat(BuiltinChecks.fqdn("host.example.")).isTrue();
  }
}
