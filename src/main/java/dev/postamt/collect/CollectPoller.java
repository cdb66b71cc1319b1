package dev.postamt.collect;

import dev.postamt.config.Config;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poller of {@code serve} ({@code [collect] enabled}): one virtual thread that runs every account
 * whose next attempt has come, then waits until the earliest next attempt (at most {@code interval}),
 * or until {@link #wake} (the self-service page's "Collect now") or the {@link IdleWatch} of an IMAP
 * account (new mail announced on the remote INBOX). Accounts run one after another, so a
 * slow remote server delays the others but never piles up connections. A run's trouble is recorded by
 * {@link Collector} with its back-off; the poller itself only stops at {@link #close}.
 */
public final class CollectPoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CollectPoller.class);
  private static final Set<CollectPoller> RUNNING = ConcurrentHashMap.newKeySet();

  private final CollectService service;
  private final Duration interval;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Thread thread;
  private final IdleWatch idle;
  private volatile boolean closed;
  private boolean woken;

  private CollectPoller(CollectService service, Duration interval, Clock clock) {
    this.service = service;
    this.interval = interval;
    this.clock = clock;
    this.thread = Thread.ofVirtual().name("collect-poller").unstarted(this::loop);
    this.idle = service.idleWatch(this::wakeThis);
  }

  /** Starts polling the accounts of {@code config}'s data directory, delivering through {@code drop}. */
  public static CollectPoller start(Config config, LocalDrop drop) throws IOException {
    CollectPoller p = new CollectPoller(CollectService.open(config, drop), config.collect().interval(), Clock.systemUTC());
    RUNNING.add(p);
    p.thread.start();
    return p;
  }

  /** Makes every poller of this process look at the accounts now (one was made due). */
  public static void wake() {
    RUNNING.forEach(CollectPoller::wakeThis);
  }

  private void wakeThis() {
    lock.lock();
    try {
      woken = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    while (!closed) {
      Instant until;
      try {
        service.runDue();
        idle.sync(service.accounts());
        Instant latest = clock.instant().plus(interval);
        Optional<Instant> next = service.nextDue();
        until = next.filter(n -> n.isBefore(latest)).orElse(latest);
      } catch (RuntimeException e) {
        log.warn("collect: poller: {}", e.toString());
        until = clock.instant().plus(interval);
      }
      lock.lock();
      try {
        while (!closed && !woken) {
          long ms = Duration.between(clock.instant(), until).toMillis();
          if (ms <= 0) {
            break;
          }
          changed.await(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        woken = false;
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
    }
  }

  /** Whether the remote INBOX of account {@code id} is watched with IDLE (tests). */
  boolean idling(long id) {
    return idle.watching(id);
  }

  @Override
  public void close() {
    closed = true;
    RUNNING.remove(this);
    idle.close();
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    service.close();
  }
}
