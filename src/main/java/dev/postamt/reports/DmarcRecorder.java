package dev.postamt.reports;

import dev.postamt.mailauth.DmarcObserver;
import dev.postamt.mailauth.InboundAuthenticator;
import dev.postamt.mailauth.dkim.DkimResult;
import dev.postamt.mailauth.dmarc.DmarcResult;
import java.net.InetAddress;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the DMARC evaluations of inbound mail for the aggregate reports we send. The SMTP session only
 * puts the evaluation in a bounded queue ({@link #observed} never blocks, never throws); a virtual thread
 * writes them to the {@link ReportStore}. When the queue is full (the database is stuck) evaluations are
 * dropped and counted: a report may then undercount, mail is never delayed for it.
 *
 * <p>Only mail whose From domain has a DMARC record is counted (status pass or fail): the others have
 * no {@code rua} to report to.
 */
public final class DmarcRecorder implements DmarcObserver, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DmarcRecorder.class);
  private static final int CAPACITY = 10_000;

  private record Item(LocalDate day, DmarcObservation o) {}

  private final ReportStore store;
  private final Clock clock;
  private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;
  private volatile boolean closed;

  public DmarcRecorder(ReportStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.writer = Thread.ofVirtual().name("dmarc-recorder").start(this::drain);
  }

  @Override
  public void observed(InetAddress ip, String mailFrom, InboundAuthenticator.Evaluation e) {
    try {
      DmarcObservation o = observation(ip, mailFrom, e);
      if (o != null && !queue.offer(new Item(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), o))) {
        if (dropped.incrementAndGet() % 1000 == 1) {
          log.warn("reports: DMARC evaluations dropped (the reports database is slow): {} so far", dropped.get());
        }
      }
    } catch (RuntimeException ex) {
      log.warn("reports: cannot record a DMARC evaluation: {}", ex.toString());
    }
  }

  /** The row for our report; null when the From domain has no DMARC record. */
  static DmarcObservation observation(InetAddress ip, String mailFrom, InboundAuthenticator.Evaluation e) {
    DmarcResult d = e.dmarc();
    if (d.policyDomain() == null || (d.status() != DmarcResult.Status.PASS && d.status() != DmarcResult.Status.FAIL)) {
      return null;
    }
    String dkim = e.dkim().stream().filter(r -> r.domain() != null)
        .map(r -> r.domain().toLowerCase(Locale.ROOT) + ":" + (r.selector() == null ? "" : r.selector()) + ":"
            + dkimResult(r))
        .collect(Collectors.joining(","));
    String envelopeFrom = mailFrom == null ? "" : mailFrom.substring(mailFrom.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    return new DmarcObservation(d.policyDomain(), d.fromDomain(), ip.getHostAddress(), envelopeFrom,
        e.spf().domain() == null ? "" : e.spf().domain().toLowerCase(Locale.ROOT), e.spf().result().keyword(), dkim,
        d.spfAligned(), d.dkimAligned(), d.disposition().token());
  }

  /** RFC 7489 Appendix C DKIMResultType: none, pass, fail, policy, neutral, temperror, permerror. */
  private static String dkimResult(DkimResult r) {
    String t = r.status().token();
    return switch (t) {
      case "pass", "fail", "policy", "neutral", "temperror", "permerror", "none" -> t;
      default -> "fail";
    };
  }

  private void drain() {
    while (!closed || !queue.isEmpty()) {
      Item item;
      try {
        item = queue.poll(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        if (closed) {
          continue;
        }
        Thread.currentThread().interrupt();
        return;
      }
      if (item == null) {
        continue;
      }
      try {
        store.observe(item.day(), item.o());
      } catch (ReportException e) {
        log.warn("reports: cannot count a DMARC evaluation: {}", e.getMessage());
      }
    }
  }

  /** Writes what is queued, then stops. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(java.time.Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether every evaluation handed in so far has been written (tests). */
  public boolean idle() {
    return queue.isEmpty();
  }
}
