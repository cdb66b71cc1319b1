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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A known sender costs one greylist write a minute, not one per recipient: "last seen" of a passed
 * triplet or an auto-whitelisted network only serves expiry, so it is refreshed at most every {@link
 * Greylisting#REFRESH}.
 */
class GreylistRefreshTest {
  @TempDir Path dir;
  static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
  static final String TRIPLET = "192.0.2.0/24/a@sender.example/bob@example.test";

  private CheckResult check(String toml, GreylistStore store, Instant at) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, "hostname = \"mx.example.test\"\n[greylist]\nenabled = true\n" + toml);
    Greylisting g = new Greylisting(Config.load(f, true).greylist(), store, Clock.fixed(at, ZoneOffset.UTC));
    PolicyRequest r = new PolicyRequest(InetAddress.getByName("192.0.2.9"), false, null, "helo.example", "a@sender.example",
        "bob@example.test", PolicyRequest.RecipientStatus.LOCAL, false);
    var dns = ZoneFileResolver.parse("");
    return g.check(r, new ClientFacts(r, dns, new DnsLists(dns, Config.defaults().dnsbl())), false);
  }

  @Test
  void aPassedTripletIsRewrittenAtMostOnceAMinute() throws Exception {
    try (SqliteGreylistStore store = SqliteGreylistStore.open(dir)) {
      String off = "auto_whitelist_after = 0\n";
      assertThat(check(off, store, T0).code()).isEqualTo(450);
      assertThat(check(off, store, T0.plusSeconds(301)).kind()).isEqualTo(CheckResult.Kind.DUNNO);
      assertThat(store.lookup(TRIPLET, "192.0.2.0/24").triplet().orElseThrow().lastSeen()).isEqualTo(T0.plusSeconds(301));
      assertThat(check(off, store, T0.plusSeconds(330)).kind()).isEqualTo(CheckResult.Kind.DUNNO);
      assertThat(store.lookup(TRIPLET, "192.0.2.0/24").triplet().orElseThrow().lastSeen()).as("not rewritten within a minute")
          .isEqualTo(T0.plusSeconds(301));
      assertThat(check(off, store, T0.plusSeconds(361)).kind()).isEqualTo(CheckResult.Kind.DUNNO);
      assertThat(store.lookup(TRIPLET, "192.0.2.0/24").triplet().orElseThrow().lastSeen()).isEqualTo(T0.plusSeconds(361));
    }
  }

  @Test
  void anAutoWhitelistedNetworkIsRewrittenAtMostOnceAMinute() throws Exception {
    try (SqliteGreylistStore sqlite = SqliteGreylistStore.open(dir)) {
      AtomicInteger seen = new AtomicInteger();
      GreylistStore store = new GreylistStore() {
        @Override public Lookup lookup(String t, String c) { return sqlite.lookup(t, c); }
        @Override public void start(String t, Instant n) { sqlite.start(t, n); }
        @Override public void touch(String t, Instant n) { sqlite.touch(t, n); }
        @Override public boolean pass(String t, String c, Instant n) { return sqlite.pass(t, c, n); }
        @Override public void seenClient(String c, Instant n) {
          seen.incrementAndGet();
          sqlite.seenClient(c, n);
        }
        @Override public int purge(Instant u) { return sqlite.purge(u); }
        @Override public void close() {}
      };
      String awl = "auto_whitelist_after = 1\n";
      check(awl, store, T0);
      check(awl, store, T0.plusSeconds(301)); // passes: the network is whitelisted from now on
      Path f = dir.resolve("postamt.toml");
      Files.writeString(f, "hostname = \"mx.example.test\"\n[greylist]\nenabled = true\n" + awl);
      Greylisting g = new Greylisting(Config.load(f, true).greylist(), store, Clock.fixed(T0.plusSeconds(400), ZoneOffset.UTC));
      PolicyRequest r = new PolicyRequest(InetAddress.getByName("192.0.2.9"), false, null, "helo.example", "b@other.example",
          "bob@example.test", PolicyRequest.RecipientStatus.LOCAL, false);
      var dns = ZoneFileResolver.parse("");
      for (int i = 0; i < 5; i++) {
        assertThat(g.check(r, new ClientFacts(r, dns, new DnsLists(dns, Config.defaults().dnsbl())), false).reason())
            .contains("auto-whitelisted");
      }
      assertThat(seen.get()).as("one write for five recipients").isEqualTo(1);
    }
  }
}
