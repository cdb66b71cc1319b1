package dev.postamt.delivery;

import dev.postamt.smtp.client.SmtpClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Idle outbound connections kept for a short time ({@code delivery.connection_cache_time}, like
 * Postfix's {@code smtp_connection_cache_time_limit}) so that the next message to the same host reuses
 * them. A connection is put back only after a clean transaction and a successful RSET, so a connection
 * taken from the cache is ready for MAIL FROM. Expired connections are closed with QUIT.
 */
final class ConnectionCache implements AutoCloseable {
  /** Transactions per connection before it is closed anyway, so no peer sees one session forever. */
  static final int MAX_REUSE = 100;

  private record Idle(SmtpClient client, long since) {}

  private final long maxIdleNanos;
  private final Map<String, Deque<Idle>> idle = new HashMap<>();
  private final Thread sweeper;
  private volatile boolean closed;

  ConnectionCache(Duration maxIdle) {
    this.maxIdleNanos = maxIdle.toNanos();
    this.sweeper =
        maxIdle.isZero()
            ? null
            : Thread.ofVirtual().name("smtp-connection-cache").start(() -> sweep(Math.max(100, maxIdle.toMillis() / 2)));
  }

  /** A ready connection for {@code key}, or null. */
  synchronized SmtpClient take(String key) {
    Deque<Idle> q = idle.get(key);
    long now = System.nanoTime();
    while (q != null && !q.isEmpty()) {
      Idle i = q.pollLast();
      if (now - i.since < maxIdleNanos) {
        return i.client;
      }
      quitLater(i.client);
    }
    return null;
  }

  /** Offers a connection after a transaction; it is closed when it cannot be kept. */
  void put(String key, SmtpClient client) {
    if (closed || maxIdleNanos == 0 || client.transactions() >= MAX_REUSE || !client.reset()) {
      client.quit();
      return;
    }
    synchronized (this) {
      idle.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(new Idle(client, System.nanoTime()));
    }
  }

  private void sweep(long periodMillis) {
    while (!closed) {
      try {
        Thread.sleep(periodMillis);
      } catch (InterruptedException e) {
        return;
      }
      List<SmtpClient> expired = new ArrayList<>();
      long now = System.nanoTime();
      synchronized (this) {
        for (Deque<Idle> q : idle.values()) {
          q.removeIf(
              i -> {
                boolean old = now - i.since >= maxIdleNanos;
                if (old) {
                  expired.add(i.client);
                }
                return old;
              });
        }
        idle.values().removeIf(Deque::isEmpty);
      }
      expired.forEach(SmtpClient::quit);
    }
  }

  private static void quitLater(SmtpClient c) {
    Thread.ofVirtual().start(c::quit);
  }

  @Override
  public void close() {
    closed = true;
    if (sweeper != null) {
      sweeper.interrupt();
    }
    List<SmtpClient> all = new ArrayList<>();
    synchronized (this) {
      idle.values().forEach(q -> q.forEach(i -> all.add(i.client)));
      idle.clear();
    }
    all.forEach(SmtpClient::quit);
  }
}
