package dev.postamt.quarantine;

import dev.postamt.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes held messages older than {@code quarantine.retention}: once when the server starts, then
 * once a day. The retention is read at each run, so a reload that changes it applies from the next
 * one. A data directory without a quarantine is left as it is (nothing is created); a failure is
 * logged and tried again the next day, and never touches mail that is not held.
 */
public final class QuarantineExpiry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QuarantineExpiry.class);
  static final Duration PERIOD = Duration.ofDays(1);

  /** The quarantine to expire, or null when there is none to look at. */
  @FunctionalInterface
  interface Opener {
    Quarantine open() throws IOException;
  }

  private final Opener quarantine;
  private final Supplier<Duration> retention;
  private final Clock clock;
  private final ScheduledExecutorService timer;

  private QuarantineExpiry(Opener quarantine, Supplier<Duration> retention, Clock clock, boolean scheduled) {
    this.quarantine = quarantine;
    this.retention = retention;
    this.clock = clock;
    // a virtual thread: a daily job's idle platform thread kept ~90 KB of stack resident (issue 27)
    this.timer = scheduled
        ? Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("quarantine-expiry").factory())
        : null;
  }

  /** Runs now (in the background) and then every day until {@link #close}, on the SQLite quarantine of {@code dataDir}. */
  public static QuarantineExpiry start(Path dataDir, Supplier<Duration> retention) {
    return start(sqlite(dataDir), retention);
  }

  /**
   * Runs now (in the background) and then every day until {@link #close}, on the quarantine {@code config}
   * names ({@link Quarantine#open}): with PostgreSQL every node's run deletes the old entries of all nodes,
   * and the files of its own that no entry names any more.
   */
  public static QuarantineExpiry start(Config config, Supplier<Duration> retention) {
    return start(opener(config), retention);
  }

  private static QuarantineExpiry start(Opener quarantine, Supplier<Duration> retention) {
    QuarantineExpiry e = new QuarantineExpiry(quarantine, retention, Clock.systemUTC(), true);
    e.timer.scheduleAtFixedRate(e::runLogged, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    return e;
  }

  /** One run at {@code clock}'s now, for {@code postamt} commands and tests; returns the entries deleted. */
  public static int runOnce(Path dataDir, Duration retention, Clock clock) throws IOException {
    return new QuarantineExpiry(sqlite(dataDir), () -> retention, clock, false).run();
  }

  /** {@link #runOnce(Path, Duration, Clock)} on the quarantine {@code config} names. */
  public static int runOnce(Config config, Duration retention, Clock clock) throws IOException {
    return new QuarantineExpiry(opener(config), () -> retention, clock, false).run();
  }

  private static Opener opener(Config config) {
    return config.database().postgres().isPresent() ? () -> Quarantine.open(config) : sqlite(config.dataDir());
  }

  /** SQLite: a data directory that never held a message is left as it is. */
  private static Opener sqlite(Path dataDir) {
    return () -> Files.exists(dataDir.resolve("quarantine").resolve("quarantine.db")) ? Quarantine.of(dataDir) : null;
  }

  private int run() throws IOException {
    Quarantine q = quarantine.open();
    return q == null ? 0 : q.expire(clock.instant().minus(retention.get()));
  }

  private void runLogged() {
    try {
      int n = run();
      if (n > 0) {
        log.info("quarantine: {} message(s) held longer than {} deleted", n, retention.get());
      }
    } catch (IOException | RuntimeException e) {
      log.warn("quarantine: expiry failed, tried again in a day: {}", e.toString());
    }
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
