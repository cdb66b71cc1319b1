package dev.postamt.server;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of one start-up and how long each took, for the log (issue 27: where the time to the banner
 * goes). {@link Server} marks a step when it is done; the summary goes to the log at debug level with the
 * ready line, the time since the JVM started at info. Not thread-safe: the starting thread alone marks its
 * steps, a background part reports its own time ({@link BackgroundStart}).
 */
final class StartSteps {
  private final long started = System.nanoTime();
  private long last = started;
  private final List<String> steps = new ArrayList<>(List.of("before the server (JVM, config, log) " + sinceJvmStart() + " ms"));

  /** Records that {@code step} is done: the time since the previous mark is its own. */
  void done(String step) {
    long now = System.nanoTime();
    steps.add(step + " " + Duration.ofNanos(now - last).toMillis() + " ms");
    last = now;
  }

  /** Milliseconds since this start-up began. */
  long elapsedMillis() {
    return Duration.ofNanos(System.nanoTime() - started).toMillis();
  }

  /** Each step with its time, in order: {@code "directory 12 ms, store 40 ms, …"}. */
  String summary() {
    return String.join(", ", steps);
  }

  /**
   * Milliseconds since the JVM started (its process's start time, to 10 ms), or -1 when the system does
   * not tell; the JVM's own uptime would need the management beans (JMX, ~100 classes more at start).
   */
  static long sinceJvmStart() {
    return ProcessHandle.current().info().startInstant()
        .map(t -> Duration.between(t, Instant.now()).toMillis()).orElse(-1L);
  }
}
