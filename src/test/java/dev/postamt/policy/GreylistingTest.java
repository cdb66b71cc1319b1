package dev.postamt.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Config;
import dev.postamt.dns.ZoneFileResolver;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Greylisting's rules on their own: triplet keys, the retry window, whitelists, and a failing store. */
class GreylistingTest {
  @TempDir Path dir;

  private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

  private Greylisting greylisting(String toml, GreylistStore store, Clock clock) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, "hostname = \"mx.example.test\"\n[greylist]\nenabled = true\n" + toml);
    return new Greylisting(Config.load(f, true).greylist(), store, clock);
  }

  private ClientFacts facts(PolicyRequest r) throws Exception {
    var dns = ZoneFileResolver.parse("""
        5.2.0.192.in-addr.arpa. PTR mx1.partner.example.
        mx1.partner.example. A 192.0.2.5
        """);
    return new ClientFacts(r, dns, new DnsLists(dns, Config.defaults().dnsbl()));
  }

  private static PolicyRequest request(String ip, String from, String to) throws Exception {
    return new PolicyRequest(InetAddress.getByName(ip), false, null, "helo.example", from, to, PolicyRequest.RecipientStatus.LOCAL, false);
  }

  private static Clock at(Instant i) {
    return Clock.fixed(i, ZoneOffset.UTC);
  }

  @Test
  void theTripletUsesTheClientNetworkAndTheNormalisedSender() throws Exception {
    Greylisting g = greylisting("", null, at(T0));
    assertThat(g.network(InetAddress.getByName("192.0.2.77"))).isEqualTo("192.0.2.0/24");
    assertThat(g.network(InetAddress.getByName("2001:db8:1:2:3:4:5:6"))).isEqualTo("2001:db8:1:2::/64");
    assertThat(g.network(InetAddress.getByName("::ffff:192.0.2.77"))).isEqualTo("192.0.2.0/24");
    assertThat(Greylisting.normaliseSender("Bounce-1234+list@Lists.Example")).isEqualTo("bounce-#@lists.example");
    assertThat(Greylisting.normaliseSender("srs0=ab12=cd=ex.org=u@fwd.example")).isEqualTo("srs#=ab#=cd=ex.org=u@fwd.example");
    assertThat(Greylisting.normaliseSender("")).isEqualTo("<>");
  }

  @Test
  void aRetryAfterTheWindowStartsOver() throws Exception {
    try (SqliteGreylistStore store = SqliteGreylistStore.open(dir)) {
      PolicyRequest r = request("192.0.2.9", "a@sender.example", "bob@example.test");
      assertThat(greylisting("", store, at(T0)).check(r, facts(r), false).code()).isEqualTo(450);
      CheckResult late = greylisting("", store, at(T0.plus(Duration.ofDays(3)))).check(r, facts(r), false);
      assertThat(late.code()).isEqualTo(450);
      assertThat(late.reason()).contains("starting over");
      CheckResult soon = greylisting("", store, at(T0.plus(Duration.ofDays(3)).plusSeconds(301))).check(r, facts(r), false);
      assertThat(soon.kind()).isEqualTo(CheckResult.Kind.DUNNO);
    }
  }

  @Test
  void aDryRunWritesNothing() throws Exception {
    try (SqliteGreylistStore store = SqliteGreylistStore.open(dir)) {
      PolicyRequest r = request("192.0.2.9", "a@sender.example", "bob@example.test");
      assertThat(greylisting("", store, at(T0)).check(r, facts(r), true).code()).isEqualTo(450);
      assertThat(store.lookup("192.0.2.0/24/a@sender.example/bob@example.test", "192.0.2.0/24").triplet()).isEmpty();
    }
  }

  @Test
  void whitelistedClientsAndRecipientsAndTrustedOnesAreExempt() throws Exception {
    Greylisting g = greylisting("""
        whitelist_clients = ["198.51.100.0/24", "partner.example"]
        whitelist_recipients = ["abuse@", "open.example"]
        """, null, at(T0));
    PolicyRequest byNet = request("198.51.100.20", "a@x.example", "bob@example.test");
    assertThat(g.check(byNet, facts(byNet), false).reason()).contains("whitelist_clients 198.51.100.0/24");
    PolicyRequest byName = request("192.0.2.5", "a@x.example", "bob@example.test");
    assertThat(g.check(byName, facts(byName), false).reason()).contains("mx1.partner.example in whitelist_clients partner.example");
    PolicyRequest abuse = request("192.0.2.9", "a@x.example", "abuse@example.test");
    assertThat(g.check(abuse, facts(abuse), false).reason()).contains("whitelist_recipients abuse@");
    PolicyRequest domain = request("192.0.2.9", "a@x.example", "any@open.example");
    assertThat(g.check(domain, facts(domain), false).reason()).contains("whitelist_recipients open.example");
    PolicyRequest auth = new PolicyRequest(InetAddress.getByName("192.0.2.9"), false, "alice@example.test", "h.example", "a@x.example",
        "bob@example.test", PolicyRequest.RecipientStatus.LOCAL, false);
    assertThat(g.check(auth, facts(auth), false).reason()).contains("authenticated");
  }

  @Test
  void aFailingStoreDefersNeverRefusesForGood() throws Exception {
    GreylistStore broken = new GreylistStore() {
      @Override public Lookup lookup(String t, String c) { throw new Failure("disk full", null); }
      @Override public void start(String t, Instant n) { throw new Failure("disk full", null); }
      @Override public void touch(String t, Instant n) { throw new Failure("disk full", null); }
      @Override public boolean pass(String t, String c, Instant n) { throw new Failure("disk full", null); }
      @Override public void seenClient(String c, Instant n) { throw new Failure("disk full", null); }
      @Override public int purge(Instant u) { throw new Failure("disk full", null); }
      @Override public void close() {}
    };
    PolicyRequest r = request("192.0.2.9", "a@sender.example", "bob@example.test");
    CheckResult c = greylisting("", broken, at(T0)).check(r, facts(r), false);
    assertThat(c.code() + " " + c.enhanced()).isEqualTo("451 4.3.0");
    assertThat(c.reason()).contains("disk full");
  }
}
