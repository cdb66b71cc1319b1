package dev.postamt.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgNodes;
import dev.postamt.testing.PgPools;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The TLS results contract on PostgreSQL; two nodes counting at once, and one node sending a day's reports. */
class PgTlsReportsTest implements TlsReportsContract {
  private final PgPools pools = new PgPools();
  private PgDatabase db;

  @Override
  public TlsReports open(Clock clock) {
    if (db == null) {
      db = pools.fresh();
    }
    return PgTlsReports.open(db, clock);
  }

  @AfterEach
  void close() {
    pools.close();
  }

  @Test
  void twoNodesCountingOneOutcomeAtOnceLoseNoCount() throws Exception {
    MovableClock clock = new MovableClock();
    try (PgNodes nodes = new PgNodes(); TlsReports a = PgTlsReports.open(nodes.a, clock);
        TlsReports b = PgTlsReports.open(nodes.b, clock); ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        TlsReports node = i % 2 == 0 ? a : b;
        boolean fail = i % 5 == 0;
        done.add(pool.submit(() -> {
          if (fail) {
            node.failure(STS, EXPIRED);
          } else {
            node.success(STS);
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      TlsReports.PolicyResults r = a.day(LocalDate.parse("2026-12-01")).get("example.org").getFirst();
      assertThat(r.successes()).isEqualTo(80);
      assertThat(r.failures()).containsExactly(new TlsReports.FailureCount(EXPIRED, 20));
    }
  }

  @Test
  void whileOneNodeSendsTheOthersJobLeavesTheDaysAlone() throws Exception {
    MovableClock clock = new MovableClock();
    try (PgNodes nodes = new PgNodes(); TlsReports a = PgTlsReports.open(nodes.a, clock);
        TlsReports b = PgTlsReports.open(nodes.b, clock)) {
      a.success(STS);
      clock.now.set(Instant.parse("2026-12-20T10:00:00Z")); // the day is old enough to be dropped by a run
      Optional<AutoCloseable> sending = a.claimSending();
      assertThat(sending).isPresent();
      DailyReports jobB = DailyReports.start(b, () -> {
        throw new AssertionError("node B must not send while node A does");
      }, () -> true, clock);
      try {
        jobB.run();
        assertThat(b.days()).as("node B did nothing").containsExactly(LocalDate.parse("2026-12-01"));
        sending.get().close();
        jobB.run();
        assertThat(b.days()).as("once free, node B's run drops the old day").isEmpty();
      } finally {
        jobB.close();
      }
    }
  }
}
