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
}
