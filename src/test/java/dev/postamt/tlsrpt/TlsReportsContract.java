package dev.postamt.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TlsReports} backend does: counting per day, policy and failure kind; reading a day;
 * forgetting; the daily clean-up. Run by {@link SqliteTlsReportsTest} and {@link PgTlsReportsTest}.
 */
interface TlsReportsContract {
  /** Empty results whose days are those of {@code clock}; a second call in one test opens the same ones again. */
  TlsReports open(Clock clock) throws Exception;

  /** A clock whose instant the test moves. */
  final class MovableClock extends Clock {
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  Policy STS = new Policy("Example.ORG", Policy.Type.STS, List.of("version: STSv1", "mode: enforce"), List.of("mx.example.org"));
  TlsReports.Failure EXPIRED =
      new TlsReports.Failure(ResultType.CERTIFICATE_EXPIRED, "192.0.2.1", "mx.example.org", "198.51.100.7", "4.7.5 expired");

  @Test
  default void resultsAreCountedPerDayPolicyAndKind() throws Exception {
    MovableClock clock = new MovableClock();
    try (TlsReports db = open(clock)) {
      db.success(STS);
      db.success(STS);
      db.failure(STS, EXPIRED);
      db.failure(STS, EXPIRED);
      db.failure(STS, new TlsReports.Failure(ResultType.STARTTLS_NOT_SUPPORTED, "192.0.2.1", "mx2.example.org", "198.51.100.8", "x"));
      db.success(Policy.none("other.example"));
      clock.now.set(Instant.parse("2026-12-02T00:00:01Z"));
      db.success(STS);

      assertThat(db.days()).containsExactly(LocalDate.parse("2026-12-01"), LocalDate.parse("2026-12-02"));
      var first = db.day(LocalDate.parse("2026-12-01"));
      assertThat(first.keySet()).containsExactly("example.org", "other.example");
      TlsReports.PolicyResults sts = first.get("example.org").getFirst();
      assertThat(sts.policy()).isEqualTo(STS);
      assertThat(sts.successes()).isEqualTo(2);
      assertThat(sts.failureCount()).isEqualTo(3);
      assertThat(sts.failures()).contains(new TlsReports.FailureCount(EXPIRED, 2));
      assertThat(first.get("other.example").getFirst().policy().type()).isEqualTo(Policy.Type.NO_POLICY_FOUND);

      db.forget(LocalDate.parse("2026-12-01"), "example.org");
      assertThat(db.day(LocalDate.parse("2026-12-01"))).containsOnlyKeys("other.example");
      assertThat(db.day(LocalDate.parse("2026-12-02")).get("example.org").getFirst().successes()).isEqualTo(1);
    }
    // kept across a restart
    try (TlsReports db = open(Clock.systemUTC())) {
      assertThat(db.days()).containsExactly(LocalDate.parse("2026-12-01"), LocalDate.parse("2026-12-02"));
    }
  }

  @Test
  default void whileSendingIsOffOldDaysAreDroppedAndRecentOnesKept() throws Exception {
    MovableClock clock = new MovableClock();
    try (TlsReports db = open(clock)) {
      db.success(STS); // 2026-12-01
      clock.now.set(Instant.parse("2026-12-05T10:00:00Z"));
      db.success(STS);
      clock.now.set(Instant.parse("2026-12-09T10:00:00Z"));
      DailyReports job = DailyReports.start(db, () -> {
        throw new AssertionError("nothing is sent while [tlsrpt] enabled is false");
      }, () -> false, clock);
      try {
        job.run();
      } finally {
        job.close();
      }
      assertThat(db.days()).containsExactly(LocalDate.parse("2026-12-05"));
    }
  }
}
