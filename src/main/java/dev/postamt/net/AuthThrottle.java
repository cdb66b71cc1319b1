package dev.postamt.net;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed logins per client address across sessions and protocols (SMTP AUTH, IMAP, POP3), like
 * Postfix's anvil or Dovecot's auth penalty: once an address has {@code max} failures within {@code
 * window}, further attempts from it are refused until the oldest failure ages out. A successful login
 * does not clear the count (a guesser who found one password should not get a fresh budget).
 */
public final class AuthThrottle {
  private final int max;
  private final Duration window;
  private final Clock clock;
  private final ConcurrentHashMap<InetAddress, Deque<Instant>> failures = new ConcurrentHashMap<>();

  public AuthThrottle(int max, Duration window) {
    this(max, window, Clock.systemUTC());
  }

  AuthThrottle(int max, Duration window, Clock clock) {
    this.max = max;
    this.window = window;
    this.clock = clock;
  }

  /** Whether {@code client} may try to log in now. */
  public boolean allowed(InetAddress client) {
    Deque<Instant> d = failures.get(client);
    if (d == null) {
      return true;
    }
    synchronized (d) {
      prune(d);
      if (d.isEmpty()) {
        failures.remove(client, d);
        return true;
      }
      return d.size() < max;
    }
  }

  public void failed(InetAddress client) {
    Deque<Instant> d = failures.computeIfAbsent(client, k -> new ArrayDeque<>());
    synchronized (d) {
      prune(d);
      d.addLast(clock.instant());
      while (d.size() > max) {
        d.removeFirst();
      }
    }
  }

  private void prune(Deque<Instant> d) {
    Instant cutoff = clock.instant().minus(window);
    while (!d.isEmpty() && d.peekFirst().isBefore(cutoff)) {
      d.removeFirst();
    }
  }
}
