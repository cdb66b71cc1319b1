package dev.postamt.reports;

import dev.postamt.config.Config;
import dev.postamt.dns.Resolver;
import dev.postamt.store.MailStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reports work of a running server: reads the reports mailbox after each delivery to it (and once
 * at start), counts inbound DMARC evaluations ({@link #recorder()}), and with {@code [reports]
 * send_dmarc} sends yesterday's aggregate reports once a day shortly after midnight UTC (and at start,
 * when yesterday's are still due). None of it can hold up or lose mail: it runs on its own threads and
 * logs its failures.
 *
 * <p>Wiring (in {@code serve}): {@code server.onDelivery(reports::delivered)} and {@code
 * server.onDmarcEvaluation(reports.recorder())}, and {@link #close} before the store closes.
 */
public final class ReportsService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReportsService.class);
  /** When the daily run starts: after midnight UTC, when the day's last evaluations are written. */
  private static final Duration DAILY_AT = Duration.ofMinutes(30);

  private final Config config;
  private final ReportStore store;
  private final DmarcRecorder recorder;
  private final Optional<ReportMailbox> mailbox;
  private final DmarcReportSender sender;
  private final DmarcReportSender.Outbox outbox;
  private final Clock clock;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("reports").factory());
  private final AtomicBoolean scanQueued = new AtomicBoolean();

  private ReportsService(Config config, ReportStore store, MailStore mail, Resolver resolver,
      DmarcReportSender.Outbox outbox, Clock clock) {
    this.config = config;
    this.store = store;
    this.clock = clock;
    this.outbox = outbox;
    this.recorder = new DmarcRecorder(store, clock);
    this.mailbox = config.reports().mailbox()
        .map(a -> new ReportMailbox(a, mail, store, new ReportIntake(store, config.reports().maxUncompressed())));
    this.sender = new DmarcReportSender(config, store, resolver, clock);
  }

  /**
   * Starts the reports work.
   *
   * @param outbox how our aggregate reports are queued (a {@link SpoolOutbox} on the server's spool)
   */
  public static ReportsService start(Config config, MailStore mail, Resolver resolver, DmarcReportSender.Outbox outbox,
      Clock clock) throws ReportException {
    ReportsService s = new ReportsService(config, ReportStore.open(config), mail, resolver, outbox, clock);
    s.mailbox.ifPresent(m -> s.delivered(m.address()));
    if (config.reports().sendDmarc()) {
      s.timer.execute(s::sendDaily);
      Instant now = clock.instant();
      Instant next = LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(DAILY_AT);
      s.timer.scheduleAtFixedRate(s::sendDaily, Duration.between(now, next).toMillis(), Duration.ofDays(1).toMillis(),
          TimeUnit.MILLISECONDS);
    }
    return s;
  }

  /** Counts inbound DMARC evaluations (register with the server). */
  public DmarcRecorder recorder() {
    return recorder;
  }

  public ReportStore store() {
    return store;
  }

  /** Told each user who got mail: a delivery to the reports mailbox schedules a scan of it. */
  public void delivered(String user) {
    if (mailbox.isEmpty() || !mailbox.get().address().equalsIgnoreCase(user)) {
      return;
    }
    if (scanQueued.compareAndSet(false, true)) {
      try {
        timer.execute(this::scan);
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        scanQueued.set(false);
      }
    }
  }

  private void scan() {
    scanQueued.set(false);
    try {
      ReportIntake.Outcome o = mailbox.orElseThrow().scan();
      if (o.dmarc() + o.tls() + o.duplicates() > 0) {
        log.info("reports: read {} DMARC and {} TLS reports from {} ({} already known)", o.dmarc(), o.tls(),
            mailbox.get().address(), o.duplicates());
      }
    } catch (ReportException | RuntimeException e) {
      log.warn("reports: {}", e.getMessage());
    }
  }

  private void sendDaily() {
    if (!config.reports().sendDmarc()) {
      return;
    }
    try {
      Optional<AutoCloseable> claim = store.claimSending();
      if (claim.isEmpty()) {
        log.debug("reports: another node is sending the DMARC aggregate reports");
        return;
      }
      try (AutoCloseable held = claim.get()) {
        for (DmarcReportSender.Outcome o : sender.send(sender.yesterday(), outbox)) {
          log.info("reports: {}", o.line());
        }
      }
    } catch (ReportException | RuntimeException e) {
      log.warn("reports: sending DMARC aggregate reports: {}", e.getMessage());
    } catch (Exception e) { // only closing the claim throws anything else
      log.warn("reports: releasing the claim to send: {}", e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdown();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    recorder.close();
    store.close();
  }
}
