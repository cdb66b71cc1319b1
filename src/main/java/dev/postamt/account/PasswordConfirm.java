package dev.postamt.account;

import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.net.LoginLog;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks for the account password again before a change that matters (a new password, turning the second
 * factor off). A session that someone else got hold of must not become a way to guess the password: a
 * wrong one is logged like a failed login (for fail2ban), and after {@link #MAX_FAILURES} wrong ones in
 * {@link #WINDOW} the account's confirmations are refused until the window has passed.
 */
final class PasswordConfirm {
  static final int MAX_FAILURES = 5;
  static final Duration WINDOW = Duration.ofMinutes(15);

  /** The outcome of one confirmation. */
  enum Result { OK, WRONG, TOO_MANY }

  private final Directory directory;
  private final Clock clock;
  private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

  PasswordConfirm(Directory directory, Clock clock) {
    this.directory = directory;
    this.clock = clock;
  }

  /** Checks {@code password} (the account password, never an app password); clears it afterwards. */
  Result check(String address, char[] password, InetAddress client, boolean secure) throws DirectoryException {
    try {
      Instant now = clock.instant();
      Deque<Instant> recent = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
      synchronized (recent) {
        while (!recent.isEmpty() && recent.peekFirst().isBefore(now.minus(WINDOW))) {
          recent.pollFirst();
        }
        if (recent.size() >= MAX_FAILURES) {
          return Result.TOO_MANY;
        }
      }
      if (directory.authenticateAccount(address, password).filter(address::equals).isPresent()) {
        return Result.OK;
      }
      LoginLog.failed("http", address, client, "WEB-CONFIRM", secure, "wrong current password on the account page");
      synchronized (recent) {
        recent.addLast(now);
      }
      return Result.WRONG;
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /** The message for a refusal, for the field of the current password. */
  static String message(Result r) {
    return switch (r) {
      case OK -> null;
      case WRONG -> "This is not your current password.";
      case TOO_MANY -> "Too many wrong passwords; wait " + WINDOW.toMinutes() + " minutes and try again.";
    };
  }
}
