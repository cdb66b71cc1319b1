package dev.postamt.quarantine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quarantine.retention}: what is held longer is deleted at start and then daily. */
class QuarantineExpiryTest {
  @TempDir Path data;

  @Test
  void entriesOlderThanTheRetentionGoTheOthersStay() throws Exception {
    Instant now = Instant.parse("2026-12-04T12:00:00Z");
    Quarantine q = Quarantine.of(data);
    q.store(QuarantineContract.entry("D31", now.minus(Duration.ofDays(31)).toEpochMilli()), QuarantineContract.bytes("a"));
    q.store(QuarantineContract.entry("D29", now.minus(Duration.ofDays(29)).toEpochMilli()), QuarantineContract.bytes("b"));
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    assertThat(QuarantineExpiry.runOnce(data, Duration.ofDays(30), clock)).isEqualTo(1);
    assertThat(q.list()).extracting(Quarantine.Entry::id).containsExactly("D29");
    assertThat(QuarantineExpiry.runOnce(data, Duration.ofDays(28), clock)).isEqualTo(1);
    assertThat(q.list()).isEmpty();
  }

  @Test
  void aDataDirectoryWithoutQuarantineIsLeftAlone() throws Exception {
    assertThat(QuarantineExpiry.runOnce(data, Duration.ofDays(1), Clock.systemUTC())).isZero();
    assertThat(data.resolve("quarantine")).doesNotExist();
  }

  @Test
  void theServersExpiryRunsAtStart() throws Exception {
    Quarantine q = Quarantine.of(data);
    q.store(QuarantineContract.entry("OLD", Instant.now().minus(Duration.ofDays(2)).toEpochMilli()), QuarantineContract.bytes("a"));
    q.store(QuarantineContract.entry("NEW", Instant.now().toEpochMilli()), QuarantineContract.bytes("b"));
    try (QuarantineExpiry expiry = QuarantineExpiry.start(data, () -> Duration.ofDays(1))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (q.find("OLD").isPresent() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(q.list()).extracting(Quarantine.Entry::id).containsExactly("NEW");
    }
  }
}
