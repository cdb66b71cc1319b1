package dev.postamt.config;

import java.time.Duration;

/**
 * {@code [trail]}: the per-message trail ({@code data_dir/trail.db}) that {@code postamt trace} and the
 * console's Trail page read.
 *
 * @param enabled whether events are recorded in the trail at all (the log and the metrics get them
 *     either way)
 * @param retention rows older than this are deleted when the server starts and once a day after that
 *     ({@code "30d"}; at least an hour)
 */
public record Trail(boolean enabled, Duration retention) {
  static Trail parse(ConfigReader r) {
    r.allowKeys("trail", "enabled", "retention");
    return new Trail(r.bool("trail.enabled", true),
        r.duration("trail.retention", Duration.ofDays(30), Duration.ofHours(1), Duration.ofDays(3650)));
  }
}
