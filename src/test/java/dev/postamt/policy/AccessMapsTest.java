package dev.postamt.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Config;
import dev.postamt.config.Policy.Restriction;
import dev.postamt.dns.Resolver;
import dev.postamt.dns.ZoneFileResolver;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access maps' lookup order per check, their answers, DEFER_IF_*, and re-reading a changed file. */
class AccessMapsTest {
  @TempDir Path dir;

  private static final String ZONE =
      """
      10.2.0.192.in-addr.arpa. PTR mail.sub.client.example.
      mail.sub.client.example. A   192.0.2.10
      11.2.0.192.in-addr.arpa. PTR liar.client.example.
      """;

  private final Resolver dns = zone();

  private static Resolver zone() {
    try {
      return ZoneFileResolver.parse(ZONE);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
  private final AtomicLong nanos = new AtomicLong();

  private static PolicyRequest request(String ip, String helo, String from, String to) throws Exception {
    return new PolicyRequest(InetAddress.getByName(ip), false, null, helo, from, to, PolicyRequest.RecipientStatus.LOCAL, false);
  }

  private CheckResult check(AccessMaps maps, String name, Path table, PolicyRequest r) {
    ClientFacts facts = new ClientFacts(r, dns, new DnsLists(dns, Config.defaults().dnsbl()));
    return maps.check(new Restriction(name, "hash:" + table, false), r, facts);
  }

  private Path table(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void keyFormsFollowAccessFive() throws Exception {
    assertThat(AccessMaps.addressKeys("user@mail.example.org"))
        .containsExactly("user@mail.example.org", "mail.example.org", ".example.org", "example.org", ".org", "org", "user@");
    assertThat(AccessMaps.addressKeys("<>")).containsExactly("<>");
    assertThat(AccessMaps.domainKeys("[192.0.2.1]")).containsExactly("[192.0.2.1]");
    assertThat(AccessMaps.addressKeys(InetAddress.getByName("192.0.2.10"))).containsExactly("192.0.2.10", "192.0.2", "192.0", "192");
    assertThat(AccessMaps.addressKeys(InetAddress.getByName("2001:db8::1"))).containsExactly("2001:db8::1");
  }

  @Test
  void addressesAreLookedUpFullThenDomainAndParentsThenUserAt() throws Exception {
    AccessMaps maps = new AccessMaps(dns, nanos::get);
    Path t = table("senders", """
        boss@corp.example      OK
        corp.example           REJECT domain
        .sub.corp.example      DEFER subdomain
        anyone@                REJECT 5.7.2 user part
        <>                     REJECT no bounces
        """);
    assertThat(check(maps, "check_sender_access", t, request("192.0.2.9", "h.example", "boss@corp.example", null)).kind())
        .isEqualTo(CheckResult.Kind.PERMIT);
    assertThat(check(maps, "check_sender_access", t, request("192.0.2.9", "h.example", "Other@CORP.example", null)).text())
        .isEqualTo("<Other@CORP.example>: Sender address rejected: domain");
    assertThat(check(maps, "check_sender_access", t, request("192.0.2.9", "h.example", "x@a.sub.corp.example", null)).code())
        .as(".sub.corp.example before its parent corp.example").isEqualTo(450);
    assertThat(check(maps, "check_sender_access", t, request("192.0.2.9", "h.example", "x@deep.corp.example", null)).code())
        .as("a domain matches its subdomains").isEqualTo(554);
    CheckResult userAt = check(maps, "check_sender_access", t, request("192.0.2.9", "h.example", "anyone@else.example", null));
    assertThat(userAt.code() + " " + userAt.enhanced()).isEqualTo("554 5.7.2");
    assertThat(check(maps, "check_sender_access", t, request("192.0.2.9", "h.example", "", null)).text())
        .isEqualTo("<>: Sender address rejected: no bounces");
    assertThat(check(maps, "check_sender_access", t, request("192.0.2.9", "h.example", "a@else.example", null)).kind())
        .isEqualTo(CheckResult.Kind.DUNNO);
    assertThat(check(maps, "check_recipient_access", t, request("192.0.2.9", "h.example", "a@else.example", "boss@corp.example")).kind())
        .isEqualTo(CheckResult.Kind.PERMIT);
  }

  @Test
  void clientsByVerifiedNameThenAddressThenShorterPrefixes() throws Exception {
    AccessMaps maps = new AccessMaps(dns, nanos::get);
    Path t = table("clients", """
        client.example    REJECT by name
        192.0.2.11        DEFER by address
        192.0.2           REJECT 5.7.3 by network
        """);
    assertThat(check(maps, "check_client_access", t, request("192.0.2.10", null, null, null)).text())
        .isEqualTo("<mail.sub.client.example[192.0.2.10]>: Client host rejected: by name");
    assertThat(check(maps, "check_client_access", t, request("192.0.2.11", null, null, null)).text())
        .as("liar.client.example does not resolve back, so only the address counts")
        .isEqualTo("<unknown[192.0.2.11]>: Client host rejected: by address");
    assertThat(check(maps, "check_reverse_client_access", t, request("192.0.2.11", null, null, null)).text())
        .as("the reverse name need not be confirmed").endsWith("by name");
    assertThat(check(maps, "check_client_access", t, request("192.0.2.12", null, null, null)).enhanced()).isEqualTo("5.7.3");
    assertThat(check(maps, "check_client_access", t, request("198.51.100.1", null, null, null)).kind()).isEqualTo(CheckResult.Kind.DUNNO);
  }

  @Test
  void heloNamesAsDomainsAndCidrAndRegexpTables() throws Exception {
    AccessMaps maps = new AccessMaps(dns, nanos::get);
    Path plain = table("helo", "example.net REJECT fake\n");
    assertThat(check(maps, "check_helo_access", plain, request("192.0.2.9", "mx.Example.NET", null, null)).text())
        .isEqualTo("<mx.Example.NET>: Helo command rejected: fake");
    Path cidr = table("c.cidr", "192.0.2.0/24 OK\n");
    ClientFacts f = new ClientFacts(request("192.0.2.9", null, null, null), dns, new DnsLists(dns, Config.defaults().dnsbl()));
    assertThat(maps.check(new Restriction("check_client_access", "cidr:" + cidr, false), request("192.0.2.9", null, null, null), f).kind())
        .isEqualTo(CheckResult.Kind.PERMIT);
    Path re = table("r.regexp", "/^[0-9]+@/ REJECT digits only\n");
    PolicyRequest digits = request("192.0.2.9", "h.example", "123@x.example", null);
    assertThat(maps.check(new Restriction("check_sender_access", "regexp:" + re, false), digits,
        new ClientFacts(digits, dns, new DnsLists(dns, Config.defaults().dnsbl()))).text())
        .isEqualTo("<123@x.example>: Sender address rejected: digits only");
  }

  @Test
  void aChangedFileIsReReadAfterASecondAndABrokenOneKeepsThePreviousTable() throws Exception {
    AccessMaps maps = new AccessMaps(dns, nanos::get);
    Path t = table("senders", "a@x.example REJECT first\n");
    PolicyRequest r = request("192.0.2.9", "h.example", "a@x.example", null);
    assertThat(check(maps, "check_sender_access", t, r).text()).endsWith("first");
    Files.writeString(t, "a@x.example REJECT second version\n");
    Files.setLastModifiedTime(t, FileTime.from(Instant.now().plusSeconds(10)));
    assertThat(check(maps, "check_sender_access", t, r).text()).as("not looked at again within a second").endsWith("first");
    nanos.addAndGet(1_000_000_001L);
    assertThat(check(maps, "check_sender_access", t, r).text()).endsWith("second version");
    Files.writeString(t, "a@x.example REJEKT\n");
    Files.setLastModifiedTime(t, FileTime.from(Instant.now().plusSeconds(20)));
    nanos.addAndGet(1_000_000_001L);
    assertThat(check(maps, "check_sender_access", t, r).text()).as("the broken file is not used").endsWith("second version");
  }

  @Test
  void deferIfPermitAndDeferIfRejectChangeTheOutcome() throws Exception {
    Path t = table("senders", "maybe.example DEFER_IF_PERMIT 4.7.5 not yet\nsoft.example DEFER_IF_REJECT\nhold.example HOLD\n");
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, """
        hostname = "mx.example.test"
        data_dir = "data"
        [policy]
        sender = ["check_sender_access %s", "reject_non_fqdn_sender"]
        recipient = []
        client = []
        helo = []
        """.formatted(t));
    Restrictions r = new Restrictions(Config.load(f, true), dns, null, Clock.systemUTC());
    Evaluation e = r.evaluate(PolicyStage.RCPT, request("192.0.2.9", "h.example", "a@maybe.example", "b@example.test"));
    assertThat(e.refusal().map(s -> s.result().code() + " " + s.result().text()))
        .contains("450 <a@maybe.example>: Sender address rejected: not yet");
    Evaluation soft = r.evaluate(PolicyStage.RCPT, request("192.0.2.9", "h.example", "a@soft.example", "b@example.test"));
    assertThat(soft.refused()).isFalse();
    Evaluation held = r.evaluate(PolicyStage.RCPT, request("192.0.2.9", "h.example", "a@hold.example", "b@example.test"));
    assertThat(held.refused()).isFalse();
    assertThat(held.effects()).containsExactly(new Effect(Effect.Kind.HOLD, ""));
  }
}
