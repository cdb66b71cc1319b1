package dev.postamt.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {
  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-11-23T00:00:00Z");

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
  }

  @Test
  void blocksAfterMaxFailuresWithinTheWindowAndForgetsOldOnes() throws Exception {
    MutableClock clock = new MutableClock();
    AuthThrottle t = new AuthThrottle(3, Duration.ofMinutes(15), clock);
    InetAddress a = InetAddress.ofLiteral("192.0.2.1");
    InetAddress b = InetAddress.ofLiteral("192.0.2.2");
    for (int i = 0; i < 3; i++) {
      assertThat(t.allowed(a)).isTrue();
      t.failed(a);
      clock.now = clock.now.plusSeconds(60);
    }
    assertThat(t.allowed(a)).isFalse();
    assertThat(t.allowed(b)).isTrue();
    clock.now = clock.now.plus(Duration.ofMinutes(13)); // the first failure is now older than 15 min
    assertThat(t.allowed(a)).isTrue();
    clock.now = clock.now.plus(Duration.ofMinutes(20));
    assertThat(t.allowed(a)).isTrue();
  }

  @Test
  void everyFailureWithAKnownClientIsPassedOnToTheBanList() throws Exception {
    AuthThrottle t = new AuthThrottle(3, Duration.ofMinutes(15), new MutableClock(), d -> {});
    java.util.List<InetAddress> told = new java.util.ArrayList<>();
    t.onFailure(told::add);
    t.failed(InetAddress.ofLiteral("192.0.2.1"), "a@example.test");
    t.failed(InetAddress.ofLiteral("2001:db8::5"));
    t.failed(null, "b@example.test");
    assertThat(told).containsExactly(InetAddress.ofLiteral("192.0.2.1"), InetAddress.ofLiteral("2001:db8::5"));
  }

  @Test
  void anIpv6ClientIsCountedPerSlash64() throws Exception {
    AuthThrottle t = new AuthThrottle(3, Duration.ofMinutes(15), new MutableClock(), d -> {});
    for (int i = 1; i <= 3; i++) {
      t.failed(InetAddress.ofLiteral("2001:db8:1:2::" + Integer.toHexString(i)));
    }
    assertThat(t.allowed(InetAddress.ofLiteral("2001:db8:1:2:ffff:ffff:ffff:ffff"))).isFalse();
    assertThat(t.allowed(InetAddress.ofLiteral("2001:db8:1:3::1"))).isTrue();
    // IPv4 stays per address
    t.failed(InetAddress.ofLiteral("192.0.2.1"));
    t.failed(InetAddress.ofLiteral("192.0.2.2"));
    t.failed(InetAddress.ofLiteral("192.0.2.3"));
    assertThat(t.allowed(InetAddress.ofLiteral("192.0.2.4"))).isTrue();
  }

  @Test
  void failuresForOneAccountFromManyAddressesGrowADelayNotALockout() throws Exception {
    MutableClock clock = new MutableClock();
    java.util.List<Duration> waits = new java.util.ArrayList<>();
    AuthThrottle t = new AuthThrottle(3, Duration.ofMinutes(15), clock, waits::add);
    for (int i = 1; i <= 7; i++) {
      InetAddress a = InetAddress.ofLiteral("198.51.100." + i);
      assertThat(t.allowed(a)).isTrue(); // a guess from a new address is still answered
      t.failed(a, i % 2 == 0 ? "Alice@Example.test" : "alice@example.test");
    }
    assertThat(waits).extracting(Duration::toMillis).containsExactly(250L, 500L, 1000L, 2000L, 4000L, 5000L, 5000L);
    t.failed(InetAddress.ofLiteral("198.51.100.99"), "bob@example.test");
    assertThat(waits.getLast()).isEqualTo(Duration.ofMillis(250)); // other accounts are not affected
    assertThat(t.accountFailures("alice@example.test")).isEqualTo(7);
    clock.now = clock.now.plus(Duration.ofMinutes(16));
    assertThat(t.accountFailures("alice@example.test")).isZero();
    t.failed(InetAddress.ofLiteral("198.51.100.1"), "alice@example.test");
    assertThat(waits.getLast()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void aSessionWaitingOutAPenaltyHoldsUpNoOtherSession() throws Exception {
    java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    AuthThrottle t = new AuthThrottle(3, Duration.ofMinutes(15), new MutableClock(), d -> {
      if (Thread.currentThread().getName().equals("slow")) {
        waiting.countDown();
        release.await();
      }
    });
    Thread slow = Thread.ofVirtual().name("slow").start(() -> t.failed(InetAddress.ofLiteral("192.0.2.1"), "alice"));
    assertThat(waiting.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    // while that session waits, others fail, are counted and checked without delay
    t.failed(InetAddress.ofLiteral("192.0.2.2"), "alice");
    assertThat(t.allowed(InetAddress.ofLiteral("192.0.2.2"))).isTrue();
    assertThat(t.accountFailures("alice")).isEqualTo(2);
    release.countDown();
    slow.join(10_000);
    assertThat(slow.isAlive()).isFalse();
  }
}
