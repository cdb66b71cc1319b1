package dev.postamt.tlsrpt;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily job of {@code serve}: every hour (and a minute after start) each finished UTC day with
 * results is reported when {@code [tlsrpt] enabled} (RFC 8460 §4.1 wants a report per 24 hours), and
 * days older than {@link #KEEP_DAYS} are dropped whether sent or not, so that the database stays small
 * while sending is off.
 */
public final class DailyReports implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DailyReports.class);
  /** Days of results kept while they cannot be sent. */
  public static final int KEEP_DAYS = 7;

  private final TlsReports results;
  private final Supplier<ReportSender> sender;
  private final Supplier<Boolean> enabled;
  private final Clock clock;
  private final ScheduledExecutorService timer;

  private DailyReports(TlsReports results, Supplier<ReportSender> sender, Supplier<Boolean> enabled, Clock clock) {
    this.results = results;
    this.sender = sender;
    this.enabled = enabled;
    this.clock = clock;
    // a virtual thread: a daily job's idle platform thread kept ~90 KB of stack resident (issue 27)
    this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("tlsrpt").factory());
  }

  /**
   * Starts the job.
   *
   * @param sender made at each run, so that a reload's config applies
   * @param enabled read at each run
   */
  public static DailyReports start(TlsReports results, Supplier<ReportSender> sender, Supplier<Boolean> enabled, Clock clock) {
    DailyReports d = new DailyReports(results, sender, enabled, clock);
    d.timer.scheduleWithFixedDelay(d::runSafely, 60, Duration.ofHours(1).toSeconds(), TimeUnit.SECONDS);
    return d;
  }

  private void runSafely() {
    try {
      run();
    } catch (RuntimeException e) {
      log.error("tlsrpt: the daily reports failed", e);
    }
  }

  /** One run: report the finished days, drop the old ones; nothing while another node does (see {@link TlsReports#claimSending}). */
  void run() {
    java.util.Optional<AutoCloseable> claim = results.claimSending();
    if (claim.isEmpty()) {
      log.debug("tlsrpt: another node is sending the reports");
      return;
    }
    try (AutoCloseable held = claim.get()) {
      runClaimed();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      log.warn("tlsrpt: releasing the claim to send: {}", e.toString());
    }
  }

  private void runClaimed() {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    for (LocalDate day : results.days()) {
      if (!day.isBefore(today)) {
        continue;
      }
      if (day.isBefore(today.minusDays(KEEP_DAYS))) {
        results.day(day).keySet().forEach(domain -> results.forget(day, domain));
        continue;
      }
      if (enabled.get()) {
        sender.get().send(results, day);
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
