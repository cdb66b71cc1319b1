package dev.postamt.pop3;

import java.time.Duration;

/**
 * Limits and policy of the POP3 service.
 *
 * @param hostname named in the greeting
 * @param maxLine longest command line in bytes; RFC 2449 §4 allows 255 octets, but an AUTH initial
 *     response may be longer (RFC 5034 §4), so the limit is generous
 * @param idleTimeout inactivity autologout timer, in every state; RFC 1939 §3 asks for at least 10
 *     minutes ({@link #fromLimits} enforces that, tests may go lower)
 * @param maxBadCommands {@code -ERR} replies to malformed, unknown or misplaced commands before the
 *     server closes the connection
 * @param maxAuthFailures failed authentications before the server closes the connection
 * @param authFailureDelay pause before answering a failed authentication, to slow down guessing
 * @param plaintextAuth whether USER/PASS and AUTH are allowed without TLS (tests, localhost set-ups)
 * @param commandDeadline each command line must arrive whole within this ({@code limits.command_deadline})
 * @param loopbackIsSecure whether connections from this machine may log in without TLS: the same rule
 *     as IMAP's, and Dovecot's (a connection from localhost is not exposed to the network)
 */
public record Pop3Settings(
    String hostname,
    int maxLine,
    Duration idleTimeout,
    int maxBadCommands,
    int maxAuthFailures,
    Duration authFailureDelay,
    boolean plaintextAuth,
    Duration commandDeadline,
    boolean loopbackIsSecure) {

  public Pop3Settings(String hostname, int maxLine, Duration idleTimeout, int maxBadCommands, int maxAuthFailures,
      Duration authFailureDelay, boolean plaintextAuth, Duration commandDeadline) {
    this(hostname, maxLine, idleTimeout, maxBadCommands, maxAuthFailures, authFailureDelay, plaintextAuth,
        commandDeadline, false);
  }

  public Pop3Settings(String hostname, int maxLine, Duration idleTimeout, int maxBadCommands, int maxAuthFailures,
      Duration authFailureDelay, boolean plaintextAuth) {
    this(hostname, maxLine, idleTimeout, maxBadCommands, maxAuthFailures, authFailureDelay, plaintextAuth,
        dev.postamt.net.Connection.DEFAULT_LINE_DEADLINE);
  }

  public Pop3Settings withCommandDeadline(Duration d) {
    return new Pop3Settings(hostname, maxLine, idleTimeout, maxBadCommands, maxAuthFailures, authFailureDelay,
        plaintextAuth, d, loopbackIsSecure);
  }

  /** RFC 1939 §3: "Such a timer MUST be of at least 10 minutes' duration." */
  public static final Duration MIN_IDLE = Duration.ofMinutes(10);

  /**
   * Production policy: the configured {@code limits.idle_timeout} but never under 10 minutes, {@code
   * limits.errors} bad commands, {@code limits.auth_failures} failed logins, authentication only under
   * TLS or from this machine (as IMAP).
   */
  public static Pop3Settings fromLimits(
      String hostname, Duration idleTimeout, int maxBadCommands, int maxAuthFailures) {
    Duration idle = idleTimeout.compareTo(MIN_IDLE) < 0 ? MIN_IDLE : idleTimeout;
    return new Pop3Settings(
        hostname, 8192, idle, maxBadCommands, maxAuthFailures, Duration.ofSeconds(2), false,
        dev.postamt.net.Connection.DEFAULT_LINE_DEADLINE, true);
  }
}
