package dev.postamt.config;

import java.time.Duration;

/**
 * {@code [collect]}: fetching mail from users' accounts on other servers (POP3, IMAP), as fetchmail
 * does (see {@code docs/collect.md}).
 *
 * @param enabled whether {@code serve} polls the accounts on its own ({@code postamt collect run} works
 *     either way)
 * @param interval how long after a successful run an account is polled again
 * @param maxBackoff the longest wait after failures (the wait doubles from {@code interval} per failure)
 * @param timeout how long one read from a remote server may take before the run fails
 * @param maxAccounts how many remote accounts one user may have
 */
public record Collect(boolean enabled, Duration interval, Duration maxBackoff, Duration timeout, int maxAccounts) {
  static Collect parse(ConfigReader r) {
    r.allowKeys("collect", "enabled", "interval", "max_backoff", "timeout", "max_accounts");
    return new Collect(
        r.bool("collect.enabled", true),
        r.duration("collect.interval", Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofDays(1)),
        r.duration("collect.max_backoff", Duration.ofHours(6), Duration.ofMinutes(1), Duration.ofDays(7)),
        r.duration("collect.timeout", Duration.ofMinutes(2), Duration.ofSeconds(5), Duration.ofMinutes(30)),
        r.integer("collect.max_accounts", 10, 1, 1000));
  }

  /** The defaults (tools and tests without a config file). */
  public static Collect defaults() {
    return new Collect(true, Duration.ofMinutes(5), Duration.ofHours(6), Duration.ofMinutes(2), 10);
  }
}
