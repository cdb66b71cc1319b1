package dev.postamt.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code [queue]}: retry schedule, lifetime and notices.
 *
 * @param delayWarning after this long in the queue a delay notice is sent (NOTIFY=DELAY or no NOTIFY);
 *     zero turns delay notices off
 * @param postmaster where bounces that cannot be delivered go (double bounces)
 * @param bounceSizeLimit failure notices return the whole message up to this size, else its headers
 */
public record Queue(
    List<Duration> retry,
    Duration maxLifetime,
    Duration delayWarning,
    int parallel,
    int perDestination,
    String postmaster,
    long bounceSizeLimit) {
  public Queue(List<Duration> retry, Duration maxLifetime, Duration delayWarning, int parallel, int perDestination) {
    this(retry, maxLifetime, delayWarning, parallel, perDestination, "postmaster", 50_000);
  }

  static Queue parse(ConfigReader r) {
    r.allowKeys(
        "queue",
        "retry",
        "max_lifetime",
        "delay_warning",
        "parallel",
        "per_destination",
        "postmaster",
        "bounce_size_limit");
    List<Duration> retry = new ArrayList<>();
    for (String s : r.strings("queue.retry", List.of("1m", "5m", "15m", "30m", "1h"))) {
      Duration d = Config.parseDuration(s);
      if (d == null || d.isNegative() || d.isZero()) {
        r.error("queue.retry", "\"" + s + "\" is not a positive duration like 30s, 5m, 1h, 2d");
      } else {
        retry.add(d);
      }
    }
    if (retry.isEmpty()) {
      retry.add(Duration.ofMinutes(5));
    }
    Queue queue =
        new Queue(
            List.copyOf(retry),
            r.duration("queue.max_lifetime", Duration.ofDays(5), Duration.ofMinutes(1), Duration.ofDays(100)),
            r.duration("queue.delay_warning", Duration.ofHours(4), Duration.ZERO, Duration.ofDays(100)),
            r.integer("queue.parallel", 20, 1, 10_000),
            r.integer("queue.per_destination", 5, 1, 1000),
            r.string("queue.postmaster", "postmaster"),
            r.size("queue.bounce_size_limit", 50_000, 0, 1L << 30));
    if (queue.postmaster().isBlank() || queue.postmaster().matches(".*[\\s<>].*")) {
      r.error("queue.postmaster", "must be an address like \"postmaster\" or \"admin@example.org\"");
    }
    return queue;
  }
}
