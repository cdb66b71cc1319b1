package dev.postamt.imap;

import java.time.Duration;

/**
 * Limits and policy of the IMAP service.
 *
 * @param maxLine longest command line in bytes (RFC 7162 §4 asks for at least 8192)
 * @param maxLiteral largest literal (an APPENDed message) in bytes
 * @param idleTimeout autologout timer; RFC 3501 §5.4 requires at least 30 minutes once authenticated
 * @param loginTimeout time allowed before authentication
 * @param maxBadCommands BAD replies before the server hangs up
 * @param plaintextAuth whether LOGIN/AUTHENTICATE are allowed without TLS from anywhere
 * @param loopbackIsSecure whether connections from this machine may authenticate without TLS
 *     (Dovecot's rule for {@code disable_plaintext_auth}; local tools such as imaptest rely on it)
 * @param authFailureDelay pause after a failed login, to slow down guessing
 * @param maxAuthFailures failed logins after which the connection is closed
 */
public record ImapSettings(
    String hostname,
    int maxLine,
    long maxLiteral,
    Duration idleTimeout,
    Duration loginTimeout,
    int maxBadCommands,
    boolean plaintextAuth,
    boolean loopbackIsSecure,
    Duration authFailureDelay,
    int maxAuthFailures) {

  public static final Duration MIN_IDLE = Duration.ofMinutes(30);

  public ImapSettings {
    if (idleTimeout.compareTo(MIN_IDLE) < 0) {
      idleTimeout = MIN_IDLE;
    }
  }

  /** Production defaults: 64 KiB lines, the configured message size, 30 minutes, TLS or loopback to log in. */
  public static ImapSettings defaults(String hostname, long messageSize) {
    return new ImapSettings(hostname, 65536, messageSize, MIN_IDLE, Duration.ofMinutes(2), 20, false, true,
        Duration.ofSeconds(2), 5);
  }
}
