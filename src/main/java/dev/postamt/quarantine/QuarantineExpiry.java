package dev.postamt.quarantine;

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

  private final Path dataDir;
  private final Supplier<Duration> retention;
  private final Clock clock;
  private final ScheduledExecutorService timer;

  private QuarantineExpiry(Path dataDir, Supplier<Duration> retention, Clock clock, boolean scheduled) {
    this.dataDir = dataDir;
    this.retention = retention;
    this.clock = clock;
    this.timer = scheduled
        ? Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("quarantine-expiry").unstarted(r))
        : null;
  }

  /** Runs now (in the background) and then every day until {@link #close}. */
  public static QuarantineExpiry start(Path dataDir, Supplier<Duration> retention) {
    QuarantineExpiry e = new QuarantineExpiry(dataDir, retention, Clock.systemUTC(), true);
    e.timer.scheduleAtFixedRate(e::runLogged, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    return e;
  }

  /** One run at {@code clock}'s now, for {@code postamt} commands and tests; returns the entries deleted. */
  public static int runOnce(Path dataDir, Duration retention, Clock clock) throws IOException {
    return new QuarantineExpiry(dataDir, () -> retention, clock, false).run();
  }

  private int run() throws IOException {
    if (!Files.exists(dataDir.resolve("quarantine").resolve("quarantine.db"))) {
      return 0;
    }
    return Quarantine.of(dataDir).expire(clock.instant().minus(retention.get()));
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
