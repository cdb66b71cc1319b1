package dev.postamt.ban;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.config.Ban;
import dev.postamt.config.Cidr;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BansTest {
  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-12-04T12:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  /** 3 failures in 10m ban for 10m, doubling to at most 1h. */
  static final Ban CONFIG =
      new Ban(true, 3, Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofHours(1), List.of(Cidr.parse("203.0.113.0/24")));

  @TempDir Path dir;
  final MutableClock clock = new MutableClock();
  SqliteBanList store;
  Bans bans;

  @BeforeEach
  void open() {
    store = SqliteBanList.open(dir);
    bans = new Bans(store, CONFIG, List.of(Cidr.parse("127.0.0.0/8")), clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  private void fail(String address, int times) throws Exception {
    for (int i = 0; i < times; i++) {
      bans.authFailed(ip(address));
    }
  }

  @Test
  void theNthFailureWithinTheWindowBansAndTheBanEnds() throws Exception {
    fail("192.0.2.7", 2);
    assertThat(bans.refusal(ip("192.0.2.7"), "imap")).isNull();
    fail("192.0.2.7", 1);
    assertThat(bans.refusal(ip("192.0.2.7"), "smtp")).isEqualTo("client 192.0.2.7 is banned until 2026-12-04T12:10:00Z");
    assertThat(bans.refusal(ip("192.0.2.8"), "smtp")).isNull();
    assertThat(bans.active()).singleElement().satisfies(e -> {
      assertThat(e.network()).isEqualTo("192.0.2.7");
      assertThat(e.count()).isEqualTo(1);
      assertThat(e.reason()).isEqualTo("auth failures: 3 in 10m");
    });
    clock.advance(Duration.ofMinutes(10));
    assertThat(bans.refusal(ip("192.0.2.7"), "smtp")).isNull();
    assertThat(bans.active()).isEmpty();
  }

  @Test
  void failuresOlderThanTheWindowDoNotCount() throws Exception {
    fail("192.0.2.7", 2);
    clock.advance(Duration.ofMinutes(10));
    fail("192.0.2.7", 2);
    assertThat(bans.banned(ip("192.0.2.7"))).isEmpty();
    assertThat(bans.failures(ip("192.0.2.7"))).isEqualTo(2);
    fail("192.0.2.7", 1);
    assertThat(bans.banned(ip("192.0.2.7"))).isPresent();
  }

  @Test
  void eachRepeatBanLastsTwiceAsLongUpToTheCap() throws Exception {
    List<Duration> lengths = new java.util.ArrayList<>();
    for (int round = 0; round < 5; round++) {
      fail("192.0.2.7", 3);
      BanList.Entry e = bans.banned(ip("192.0.2.7")).orElseThrow();
      Duration d = Duration.between(e.since(), e.until().orElseThrow());
      lengths.add(d);
      clock.advance(d);
    }
    assertThat(lengths).containsExactly(
        Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(40), Duration.ofHours(1), Duration.ofHours(1));
    assertThat(Bans.banTime(Duration.ofMinutes(10), Duration.ofDays(7), 1000)).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void afterAQuietSpellLongerThanTheCapTheDoublingStartsOver() throws Exception {
    fail("192.0.2.7", 3);
    clock.advance(Duration.ofMinutes(10));
    fail("192.0.2.7", 3);
    assertThat(bans.banned(ip("192.0.2.7")).orElseThrow().count()).isEqualTo(2);
    clock.advance(Duration.ofMinutes(20).plus(Duration.ofHours(1)).plusSeconds(1));
    fail("192.0.2.7", 3);
    BanList.Entry e = bans.banned(ip("192.0.2.7")).orElseThrow();
    assertThat(e.count()).isEqualTo(1);
    assertThat(Duration.between(e.since(), e.until().orElseThrow())).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void relayNetworksAndTheAllowListAreNeverBanned() throws Exception {
    fail("127.0.0.1", 10);
    fail("203.0.113.5", 10);
    assertThat(bans.active()).isEmpty();
    assertThat(bans.refusal(ip("127.0.0.1"), "imap")).isNull();
    assertThatThrownBy(() -> bans.add("203.0.113.9", Optional.empty(), "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowlist");
  }

  @Test
  void ipv6ClientsAreCountedAndBannedByTheirSlash64() throws Exception {
    bans.authFailed(ip("2001:db8:1:2::1"));
    bans.authFailed(ip("2001:db8:1:2::2"));
    bans.authFailed(ip("2001:db8:1:2:aaaa::3"));
    assertThat(bans.refusal(ip("2001:db8:1:2:ffff::9"), "pop3")).startsWith("client 2001:db8:1:2:ffff:0:0:9 is banned");
    assertThat(bans.banned(ip("2001:db8:1:3::1"))).isEmpty();
    assertThat(bans.active()).singleElement().extracting(BanList.Entry::network).isEqualTo("2001:db8:1:2::/64");
  }

  @Test
  void aDisabledBanListCountsNothingButEnforcesBansAddedByHand() throws Exception {
    bans.configure(new Ban(false, 3, CONFIG.window(), CONFIG.duration(), CONFIG.maxDuration(), List.of()), List.of());
    fail("192.0.2.7", 5);
    assertThat(bans.active()).isEmpty();
    bans.add("192.0.2.8", Optional.of(Duration.ofHours(2)), "by hand");
    assertThat(bans.refusal(ip("192.0.2.8"), "imap")).isNotNull();
  }

  @Test
  void blocksAndPermanentBansByHandAndRemoveLiftsThem() throws Exception {
    BanList.Entry block = bans.add("198.51.100.77/24", Optional.empty(), "spam run");
    assertThat(block.network()).isEqualTo("198.51.100.0/24");
    assertThat(block.until()).isEmpty();
    clock.advance(Duration.ofDays(3650));
    assertThat(bans.refusal(ip("198.51.100.200"), "smtp")).isEqualTo("client 198.51.100.200 is banned");
    assertThat(bans.refusal(ip("198.51.101.1"), "smtp")).isNull();
    assertThat(bans.remove("198.51.100.0/24")).isTrue();
    assertThat(bans.refusal(ip("198.51.100.200"), "smtp")).isNull();
    assertThat(bans.remove("198.51.100.0/24")).isFalse();
  }

  @Test
  void bansSurviveARestartAndAReloadSeesAnotherWriter() throws Exception {
    fail("192.0.2.7", 3);
    try (SqliteBanList other = SqliteBanList.open(dir)) {
      Bans cli = new Bans(other, CONFIG, List.of(), clock);
      assertThat(cli.banned(ip("192.0.2.7"))).isPresent();
      cli.add("192.0.2.99", Optional.of(Duration.ofMinutes(5)), "by hand");
      cli.remove("192.0.2.7");
    }
    assertThat(bans.banned(ip("192.0.2.99"))).isEmpty(); // the copy is not read until told
    assertThat(bans.answer("ban-reload", "")).contains("ok 1");
    assertThat(bans.banned(ip("192.0.2.99"))).isPresent();
    assertThat(bans.banned(ip("192.0.2.7"))).isEmpty();
    assertThat(bans.answer("status", "")).isEmpty();
  }

  @Test
  void oneLogLinePerBanAndAtMostOneAMinutePerRefusedClient() throws Exception {
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.read.ListAppender<>();
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Bans.class);
    appender.start();
    logger.addAppender(appender);
    try {
      fail("192.0.2.7", 3);
      for (int i = 0; i < 5; i++) {
        bans.refusal(ip("192.0.2.7"), "imap");
        clock.advance(Duration.ofSeconds(10));
      }
      clock.advance(Duration.ofSeconds(20));
      bans.refusal(ip("192.0.2.7"), "smtp");
      List<String> lines = appender.list.stream().map(e -> e.getFormattedMessage()).toList();
      assertThat(lines).containsExactly(
          "ban: added ip=192.0.2.7 for=10m reason=auth failures: 3 in 10m",
          "ban: refused ip=192.0.2.7 service=imap ban=192.0.2.7 until=2026-12-04T12:10:00Z",
          "ban: refused ip=192.0.2.7 service=smtp ban=192.0.2.7 until=2026-12-04T12:10:00Z");
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void normaliseNamesEachBanOneWay() {
    assertThat(Bans.normalise("192.0.2.7")).isEqualTo("192.0.2.7");
    assertThat(Bans.normalise("192.0.2.7/32")).isEqualTo("192.0.2.7");
    assertThat(Bans.normalise("10.1.2.3/8")).isEqualTo("10.0.0.0/8");
    assertThat(Bans.normalise("2001:DB8:0:0:1::5")).isEqualTo("2001:db8::/64");
    assertThat(Bans.normalise("2001:db8:1:2::1/128")).isEqualTo("2001:db8:1:2::/64");
    assertThat(Bans.normalise("2001:db8:ffff::/32")).isEqualTo("2001:db8::/32");
    assertThat(Bans.normalise("::")).isEqualTo("::/64");
    assertThatThrownBy(() -> Bans.normalise("mail.example.test")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("\"mail.example.test\" is not an IP address or address block like 192.0.2.0/24");
    assertThatThrownBy(() -> Bans.normalise("192.0.2.1/40")).isInstanceOf(IllegalArgumentException.class);
  }
}
