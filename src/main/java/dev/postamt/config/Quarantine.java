package dev.postamt.config;

import java.time.Duration;

/**
 * {@code [quarantine]}: how long held messages (a virus, a forbidden attachment, a spam score over
 * {@code spam.quarantine}) are kept before they are deleted for good.
 *
 * @param retention entries held longer than this are deleted, with their message files, when the
 *     server starts and once a day after that ({@code "30d"}; at least an hour)
 */
public record Quarantine(Duration retention) {
  static Quarantine parse(ConfigReader r) {
    r.allowKeys("quarantine", "retention");
    return new Quarantine(r.duration("quarantine.retention", Duration.ofDays(30), Duration.ofHours(1), Duration.ofDays(3650)));
  }
}
