package dev.postamt.config;

import java.time.Duration;

/**
 * {@code [limits]}: what one client may ask of every protocol, with the bounds of each value.
 *
 * @param headerSize the largest header section a message may have ({@code 552 5.3.4} beyond)
 * @param connectionRatePerIp new connections one client (IPv4 address, IPv6 /64) may open per minute
 *     to one listener, like Postfix's {@code smtpd_client_connection_rate_limit}; 0: no limit
 */
public record Limits(
    long messageSize,
    int headerSize,
    int recipients,
    int lineLength,
    int errors,
    Duration idleTimeout,
    int connections,
    int connectionsPerIp,
    int authFailures,
    int authFailuresPerIp,
    Duration authCacheTtl,
    Duration commandDeadline,
    int connectionRatePerIp) {
  static Limits parse(ConfigReader r) {
    r.allowKeys(
        "limits",
        "message_size",
        "header_size",
        "recipients",
        "line_length",
        "errors",
        "idle_timeout",
        "connections",
        "connections_per_ip",
        "auth_failures",
        "auth_failures_per_ip",
        "auth_cache_ttl",
        "command_deadline",
        "connection_rate_per_ip");
    return new Limits(
        r.size("limits.message_size", 50L << 20, 1024, 2L << 30),
        // at most 1 MiB: the mail-authentication stage reads header sections up to that size
        (int) r.size("limits.header_size", 1L << 20, 10 * 1024, 1L << 20),
        r.integer("limits.recipients", 1000, 1, 100_000),
        r.integer("limits.line_length", 4096, 1000, 1 << 20),
        r.integer("limits.errors", 20, 1, 1000),
        r.duration("limits.idle_timeout", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofHours(1)),
        r.integer("limits.connections", 2000, 1, 1_000_000),
        r.integer("limits.connections_per_ip", 100, 1, 1_000_000),
        r.integer("limits.auth_failures", 5, 1, 1000),
        r.integer("limits.auth_failures_per_ip", 20, 1, 1_000_000),
        r.duration("limits.auth_cache_ttl", Duration.ofHours(1), Duration.ZERO, Duration.ofDays(1)),
        r.duration("limits.command_deadline", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofHours(1)),
        r.integer("limits.connection_rate_per_ip", 0, 0, 1_000_000));
  }
}
