package dev.postamt.reports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgNodes;
import dev.postamt.testing.PgPools;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The report store contract on PostgreSQL; two nodes storing one report and counting at once; one sender. */
class PgReportStoreTest implements ReportStoreContract {
  private final PgPools pools = new PgPools();
  private PgDatabase db;

  @Override
  public ReportStore open() throws Exception {
    if (db == null) {
      db = pools.fresh();
    }
    return PgReportStore.open(db);
  }

  @AfterEach
  void close() {
    pools.close();
  }

  @Test
  void twoNodesStoringOneReportAtOnceStoreItOnceAndCountEveryEvaluation() throws Exception {
    try (PgNodes nodes = new PgNodes(); ReportStore a = PgReportStore.open(nodes.a); ReportStore b = PgReportStore.open(nodes.b);
        ExecutorService pool = Executors.newFixedThreadPool(4)) {
      CountDownLatch go = new CountDownLatch(1);
      Callable<Boolean> onA = () -> {
        go.await();
        return a.addDmarc(ReportStoreContract.dmarc("google.example", "r1", "example.test", BEGIN));
      };
      Callable<Boolean> onB = () -> {
        go.await();
        return b.addDmarc(ReportStoreContract.dmarc("google.example", "r1", "example.test", BEGIN));
      };
      Future<Boolean> fa = pool.submit(onA);
      Future<Boolean> fb = pool.submit(onB);
      List<Future<?>> counting = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        ReportStore node = i % 2 == 0 ? a : b;
        counting.add(pool.submit(() -> {
          node.observe(DAY, ReportStoreContract.obs("sender.example", "192.0.2.1", true, "none"));
          return null;
        }));
      }
      go.countDown();
      assertThat(fa.get() ^ fb.get()).as("exactly one node stored it").isTrue();
      for (Future<?> f : counting) {
        f.get();
      }
      assertThat(a.reportCounts(Optional.empty(), java.time.Instant.EPOCH)).containsExactly(1, 0);
      assertThat(b.dmarcBySource(Optional.empty(), java.time.Instant.EPOCH).getFirst().messages()).isEqualTo(5);
      assertThat(a.observed(DAY, "sender.example")).singleElement().extracting(ReportStore.Observed::count).isEqualTo(60L);
    }
  }

  @Test
  void oneNodeAtATimeSendsTheAggregateReports() throws Exception {
    try (PgNodes nodes = new PgNodes(); ReportStore a = PgReportStore.open(nodes.a); ReportStore b = PgReportStore.open(nodes.b)) {
      Optional<AutoCloseable> sending = a.claimSending();
      assertThat(sending).isPresent();
      assertThat(b.claimSending()).isEmpty();
      sending.get().close();
      Optional<AutoCloseable> now = b.claimSending();
      assertThat(now).isPresent();
      now.get().close();
    }
  }
}
