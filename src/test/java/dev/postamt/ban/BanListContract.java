package dev.postamt.ban;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link BanList} backend must do; a backend's test implements this and gives a fresh list. */
interface BanListContract {
  Instant T0 = Instant.parse("2026-12-04T12:00:00Z");

  BanList fresh();

  @Test
  default void putThenAllReturnsTheRowWithEveryField() {
    try (BanList b = fresh()) {
      BanList.Entry timed = new BanList.Entry("192.0.2.7", T0, Optional.of(T0.plusSeconds(600)), "auth failures: 10 in 10m", 1);
      BanList.Entry forever = new BanList.Entry("2001:db8:1:2::/64", T0, Optional.empty(), "added by the administrator", 3);
      b.put(timed);
      b.put(forever);
      assertThat(b.all()).containsExactlyInAnyOrder(timed, forever);
    }
  }

  @Test
  default void putReplacesTheRowOfTheSameNetwork() {
    try (BanList b = fresh()) {
      b.put(new BanList.Entry("192.0.2.7", T0, Optional.of(T0.plusSeconds(600)), "first", 1));
      BanList.Entry second = new BanList.Entry("192.0.2.7", T0.plusSeconds(900), Optional.of(T0.plusSeconds(2100)), "second", 2);
      b.put(second);
      assertThat(b.all()).containsExactly(second);
    }
  }

  @Test
  default void removeSaysWhetherThereWasARow() {
    try (BanList b = fresh()) {
      b.put(new BanList.Entry("198.51.100.0/24", T0, Optional.empty(), "x", 1));
      assertThat(b.remove("198.51.100.0/24")).isTrue();
      assertThat(b.remove("198.51.100.0/24")).isFalse();
      assertThat(b.all()).isEmpty();
    }
  }

  @Test
  default void forgetEndedBeforeDropsOnlyOldTimedBans() {
    try (BanList b = fresh()) {
      BanList.Entry old = new BanList.Entry("192.0.2.1", T0, Optional.of(T0.plusSeconds(60)), "x", 1);
      BanList.Entry recent = new BanList.Entry("192.0.2.2", T0, Optional.of(T0.plusSeconds(6000)), "x", 1);
      BanList.Entry forever = new BanList.Entry("192.0.2.3", T0, Optional.empty(), "x", 1);
      b.put(old);
      b.put(recent);
      b.put(forever);
      assertThat(b.forgetEndedBefore(T0.plusSeconds(3600))).isEqualTo(1);
      assertThat(b.all()).containsExactlyInAnyOrder(recent, forever);
    }
  }
}
