package dev.postamt.managesieve;

import java.time.Duration;

/**
 * Limits and policy of the ManageSieve service.
 *
 * @param hostname named in the greeting's IMPLEMENTATION line and logs
 * @param maxLine longest request line outside literals, in octets
 * @param maxLiteralBeforeLogin largest literal before authentication (a SASL response), in octets
 * @param idleTimeout how long a session may wait between requests ({@code limits.idle_timeout})
 * @param commandDeadline each request line must arrive whole within this ({@code limits.command_deadline})
 * @param maxBadCommands {@code NO} answers to malformed, unknown or misplaced commands before {@code BYE}
 * @param maxAuthFailures failed logins before {@code BYE}
 * @param authFailureDelay pause before answering a failed login
 * @param plaintextAuth whether AUTHENTICATE is allowed without TLS from anywhere (tests)
 * @param loopbackIsSecure whether connections from this machine may authenticate without TLS (IMAP's rule)
 */
public record ManageSieveSettings(
    String hostname,
    int maxLine,
    int maxLiteralBeforeLogin,
    Duration idleTimeout,
    Duration commandDeadline,
    int maxBadCommands,
    int maxAuthFailures,
    Duration authFailureDelay,
    boolean plaintextAuth,
    boolean loopbackIsSecure) {

  /** Production defaults: 8 KiB lines and pre-login literals, TLS or loopback to log in. */
  public static ManageSieveSettings defaults(String hostname) {
    return new ManageSieveSettings(hostname, 8192, 8192, Duration.ofMinutes(30),
        dev.postamt.net.Connection.DEFAULT_LINE_DEADLINE, 20, 5, Duration.ofSeconds(2), false, true);
  }

  public ManageSieveSettings withLoopbackIsSecure(boolean secure) {
    return new ManageSieveSettings(hostname, maxLine, maxLiteralBeforeLogin, idleTimeout, commandDeadline,
        maxBadCommands, maxAuthFailures, authFailureDelay, plaintextAuth, secure);
  }

  public ManageSieveSettings withAuthFailureDelay(Duration d) {
    return new ManageSieveSettings(hostname, maxLine, maxLiteralBeforeLogin, idleTimeout, commandDeadline,
        maxBadCommands, maxAuthFailures, d, plaintextAuth, loopbackIsSecure);
  }

  public ManageSieveSettings withIdleTimeout(Duration d) {
    return new ManageSieveSettings(hostname, maxLine, maxLiteralBeforeLogin, d, commandDeadline,
        maxBadCommands, maxAuthFailures, authFailureDelay, plaintextAuth, loopbackIsSecure);
  }
}
