package dev.postamt.events;

import dev.postamt.metrics.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a server's trail off the mail path: {@link #offer} puts a row into a bounded queue and returns
 * at once; one virtual thread drains it in batches into the {@link TrailStore}. A batch waits up to
 * {@link #LINGER} after its first row for more (or until {@link #flush} asks): a message makes half a
 * dozen events over a few milliseconds, and one commit per event rewrote the same index pages of both
 * tables each time (about 80 page writes per message under load, measured with strace); a commit per
 * {@code LINGER} writes each page once for all the messages of that time. A full queue or a store
 * that fails drops rows (counted in {@code postamt_trail_dropped_total}, logged once a minute at most):
 * the mail never waits on its trail. The same thread deletes rows older than {@code [trail] retention}
 * at start and once a day.
 */
public final class TrailRecorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrailRecorder.class);
  static final int CAPACITY = 10_000;
  /**
   * Rows per transaction at most. Under load the next batch takes, without lingering, what queued while the
   * last one was written: the larger it may be, the fewer times the same index pages are written (2,000
   * instead of 500: 2.1 → 1.0 pages of the trail's WAL per message with the time-ordered session ids of
   * {@link TrailKey#newSession}, a real trail of 4,500 messages replayed; bench/README.md, 2026-12-07).
   */
  static final int BATCH = 2000;
  /** How long a batch waits after its first row for more: rows are that much later in {@code postamt trace}. */
  static final Duration LINGER = Duration.ofMillis(250);
  /** Callers waiting in {@link #flush}: while any, what is queued is written now instead of lingering. */
  private final java.util.concurrent.atomic.AtomicInteger hurry = new java.util.concurrent.atomic.AtomicInteger();
  private static final Duration SWEEP_EVERY = Duration.ofDays(1);

  private final Path dataDir;
  private final TrailStore store;
  private final Supplier<dev.postamt.config.Trail> config;
  private final BlockingQueue<TrailRecord> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final Thread drainer;
  private final Object progress = new Object();
  private volatile boolean closing;
  /** Rows queued so far, and rows written or dropped after queueing; guarded by progress. */
  private long queued;
  private long done;
  private volatile long lastDropWarning;
  private Instant lastSweep = Instant.EPOCH;

  private TrailRecorder(Path dataDir, TrailStore store, Supplier<dev.postamt.config.Trail> config) {
    this.dataDir = dataDir;
    this.store = store;
    this.config = config;
    this.drainer = Thread.ofVirtual().name("trail-writer").unstarted(this::drain);
  }

  /**
   * Opens the trail {@code server} names ({@link TrailStore#open}: {@code data_dir/trail.db}, or PostgreSQL)
   * and starts recording the events {@link Events#at} its data directory; null (events still logged and
   * counted) when {@code [trail] enabled = false} or the trail cannot be opened.
   */
  public static TrailRecorder start(dev.postamt.config.Config server, Supplier<dev.postamt.config.Trail> config) {
    if (!config.get().enabled()) {
      return null;
    }
    TrailStore store;
    try {
      store = TrailStore.open(server);
    } catch (TrailStore.Failure e) {
      log.error("trail off: {}", e.getMessage());
      return null;
    }
    return start(server.dataDir(), store, config);
  }

  static TrailRecorder start(Path dataDir, TrailStore store, Supplier<dev.postamt.config.Trail> config) {
    TrailRecorder r = new TrailRecorder(dataDir, store, config);
    r.drainer.start();
    Events.register(dataDir, r);
    return r;
  }

  /** Queues a row; drops it (and counts the drop) when the queue is full. Never blocks. */
  void offer(TrailRecord r) {
    synchronized (progress) {
      if (!closing && queue.offer(r)) {
        queued++;
        return;
      }
    }
    dropped(1, closing ? "the trail is closing" : "the trail writer is behind");
  }

  private void dropped(int n, String why) {
    for (int i = 0; i < n; i++) {
      Metrics.process().trailDropped();
    }
    long now = System.nanoTime();
    if (now - lastDropWarning > TimeUnit.MINUTES.toNanos(1) || lastDropWarning == 0) {
      lastDropWarning = now;
      log.warn("trail: {} row(s) not recorded: {}", n, why);
    }
  }

  private void drain() {
    List<TrailRecord> batch = new ArrayList<>(BATCH);
    while (!closing || !queue.isEmpty()) {
      sweepIfDue();
      try {
        TrailRecord first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        linger(batch);
      } catch (InterruptedException e) {
        if (queue.isEmpty()) {
          break;
        }
        continue; // closing: write what is left first
      }
      try {
        store.append(batch);
      } catch (TrailStore.Failure | RuntimeException e) {
        dropped(batch.size(), e.getMessage());
      }
      synchronized (progress) {
        done += batch.size();
        batch.clear();
        progress.notifyAll();
      }
    }
  }

  /**
   * Collects rows for up to {@link #LINGER} after the first. The writer sleeps through it rather than
   * waiting on the queue: a waiting writer was woken (a virtual thread unparked and mounted) by each of
   * the half a dozen rows a message makes; {@link #flush} and {@link #close} wake it to cut it short.
   */
  private void linger(List<TrailRecord> batch) throws InterruptedException {
    long until = System.nanoTime() + LINGER.toNanos();
    while (batch.size() < BATCH && !closing && hurry.get() == 0) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        break;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(this, left);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    queue.drainTo(batch, BATCH - batch.size());
  }

  private void sweepIfDue() {
    Instant now = Instant.now();
    if (Duration.between(lastSweep, now).compareTo(SWEEP_EVERY) < 0) {
      return;
    }
    lastSweep = now;
    try {
      int n = store.deleteBefore(now.minus(config.get().retention()));
      if (n > 0) {
        log.info("trail: {} row(s) older than {} deleted", n, config.get().retention());
      }
    } catch (TrailStore.Failure | RuntimeException e) {
      log.warn("trail: retention sweep failed, tried again in a day: {}", e.getMessage());
    }
  }

  /** Waits (at most {@code timeout}) until every row offered so far is written; whether it got there. */
  public boolean flush(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    hurry.incrementAndGet();
    java.util.concurrent.locks.LockSupport.unpark(drainer); // out of its linger
    try {
      return waitFor(deadline);
    } finally {
      hurry.decrementAndGet();
    }
  }

  private boolean waitFor(long deadline) throws InterruptedException {
    synchronized (progress) {
      long target = queued;
      while (done < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
      return true;
    }
  }

  /** The store, for reading (the console's Trail page in the same process). */
  public TrailStore store() {
    return store;
  }

  /** Stops recording: what is queued is written (for up to five seconds), then the store closes. */
  @Override
  public void close() {
    Events.unregister(dataDir, this);
    closing = true;
    java.util.concurrent.locks.LockSupport.unpark(drainer);
    try {
      drainer.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (drainer.isAlive()) {
      drainer.interrupt();
      try {
        drainer.join(Duration.ofSeconds(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    store.close();
  }
}
