package dev.postamt.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed logins across sessions and protocols (SMTP AUTH, IMAP, POP3), counted two ways.
 *
 * <p>Per client network, like Postfix's anvil: once a network has {@code max} failures within {@code
 * window}, further attempts from it are refused until the oldest failure ages out. The network is the
 * address itself for IPv4 and its /64 for IPv6, since one IPv6 host usually holds a whole /64 and
 * could otherwise change address for every guess.
 *
 * <p>Per account, like Dovecot's auth penalty: each failure for an account within {@code window} makes
 * the next failed answer for it wait longer ({@link #penalty}: {@value #BASE_MILLIS} ms doubling up to
 * {@value #CAP_MILLIS} ms), which slows guessing spread over many addresses. It is a delay, never a
 * lockout, so an attacker cannot shut the real user out; a right password is answered at once. The
 * wait is a sleep on the calling session's (virtual) thread, holding no lock.
 *
 * <p>A successful login clears neither count (a guesser who found one password should not get a fresh
 * budget). Each table keeps at most {@value #MAX_KEYS} keys; beyond, expired entries are dropped, and
 * if that is not enough, arbitrary ones.
 */
public final class AuthThrottle {
  static final long BASE_MILLIS = 250;
  static final long CAP_MILLIS = 5000;
  static final int MAX_KEYS = 100_000;
  /** Failures remembered per account: enough to reach the cap. */
  private static final int PER_ACCOUNT = 16;

  /** How a session waits out a penalty; tests record instead of sleeping. */
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final int max;
  private final Duration window;
  private final Clock clock;
  private final Sleeper sleeper;
  private final ConcurrentHashMap<InetAddress, Deque<Instant>> failures = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Deque<Instant>> accounts = new ConcurrentHashMap<>();
  /** Told of every failure with a known client (the ban list counts them too). */
  private volatile java.util.function.Consumer<InetAddress> onFailure = a -> {};

  public AuthThrottle(int max, Duration window) {
    this(max, window, Clock.systemUTC(), Thread::sleep);
  }

  AuthThrottle(int max, Duration window, Clock clock) {
    this(max, window, clock, Thread::sleep);
  }

  /** With the clock and the way to wait given (tests record the penalties instead of sleeping). */
  public AuthThrottle(int max, Duration window, Clock clock, Sleeper sleeper) {
    this.max = max;
    this.window = window;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Told of every policy refusal of a client (the ban list counts them, {@code ban.policy_rejections}). */
  private volatile java.util.function.Consumer<InetAddress> onPolicyRejection = a -> {};

  /** Tells {@code listener} of every policy refusal ({@link #policyRejected}). */
  public void onPolicyRejection(java.util.function.Consumer<InetAddress> listener) {
    this.onPolicyRejection = listener == null ? a -> {} : listener;
  }

  /**
   * A client was refused by the front door's policy (an invalid recipient, a DNS-listed client, a
   * pregreet): not a failed login, so not counted here, only passed on to the ban list. This class is
   * the one every protocol already shares, hence the relay.
   */
  public void policyRejected(InetAddress client) {
    if (client != null) {
      onPolicyRejection.accept(client);
    }
  }

  /** Tells {@code listener} of every failed login from a known client, before the account's penalty. */
  public void onFailure(java.util.function.Consumer<InetAddress> listener) {
    this.onFailure = listener == null ? a -> {} : listener;
  }

  /** Whether {@code client} may try to log in now. */
  public boolean allowed(InetAddress client) {
    InetAddress key = network(client);
    Deque<Instant> d = failures.get(key);
    if (d == null) {
      return true;
    }
    synchronized (d) {
      prune(d);
      if (d.isEmpty()) {
        failures.remove(key, d);
        return true;
      }
      return d.size() < max;
    }
  }

  /** A failed login from {@code client} whose account is unknown (a malformed exchange). */
  public void failed(InetAddress client) {
    failed(client, null);
  }

  /**
   * A failed login from {@code client} for {@code account} (as the client named it; null when unknown):
   * counted for both, then the account's penalty is waited out on this thread.
   */
  public void failed(InetAddress client, String account) {
    if (client != null) {
      record(failures, network(client), max);
      onFailure.accept(client);
    }
    if (account == null || account.isBlank()) {
      return;
    }
    int n = record(accounts, accountKey(account), PER_ACCOUNT);
    Duration wait = penalty(n);
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The wait after the {@code n}th recent failure for one account: 250 ms, 500 ms, 1 s, … at most 5 s. */
  static Duration penalty(int n) {
    if (n <= 0) {
      return Duration.ZERO;
    }
    long ms = BASE_MILLIS << Math.min(n - 1, 20);
    return Duration.ofMillis(Math.min(ms, CAP_MILLIS));
  }

  /** Recent failures for {@code account}. */
  public int accountFailures(String account) {
    Deque<Instant> d = accounts.get(accountKey(account));
    if (d == null) {
      return 0;
    }
    synchronized (d) {
      prune(d);
      return d.size();
    }
  }

  /** Adds a failure now and returns how many recent ones the key has. */
  private <K> int record(ConcurrentHashMap<K, Deque<Instant>> table, K key, int keep) {
    if (table.size() >= MAX_KEYS && !table.containsKey(key)) {
      shrink(table);
    }
    Deque<Instant> d = table.computeIfAbsent(key, k -> new ArrayDeque<>());
    synchronized (d) {
      prune(d);
      d.addLast(clock.instant());
      while (d.size() > keep) {
        d.removeFirst();
      }
      return d.size();
    }
  }

  private <K> void shrink(ConcurrentHashMap<K, Deque<Instant>> table) {
    table.forEach((k, d) -> {
      synchronized (d) {
        prune(d);
        if (d.isEmpty()) {
          table.remove(k, d);
        }
      }
    });
    Iterator<K> it = table.keySet().iterator();
    while (table.size() >= MAX_KEYS && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  private void prune(Deque<Instant> d) {
    Instant cutoff = clock.instant().minus(window);
    while (!d.isEmpty() && d.peekFirst().isBefore(cutoff)) {
      d.removeFirst();
    }
  }

  /** The key an address is counted under: itself for IPv4, its /64 for IPv6. */
  static InetAddress network(InetAddress a) {
    if (!(a instanceof Inet6Address)) {
      return a;
    }
    byte[] b = a.getAddress();
    java.util.Arrays.fill(b, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 16 bytes are always a valid address
    }
  }

  private static String accountKey(String account) {
    return account.strip().toLowerCase(Locale.ROOT);
  }
}
