package dev.postamt.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL's {@code LISTEN}/{@code NOTIFY} between the nodes sharing one database: a change one node
 * makes ({@link #notify}) reaches the handlers every node registered for that channel ({@link #listen}),
 * usually within milliseconds. One connection of its own per process listens, on a virtual thread.
 *
 * <p>Notifications are hints, not a log: one sent while a node's listening connection was down is lost.
 * So after every (re)connection each handler is called once with a {@code null} payload, meaning "read
 * your state again"; handlers must treat a notification as "something changed", never as the change.
 */
public final class PgNotifications implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PgNotifications.class);
  private static final long POLL_MS = 500;

  private final PgDatabase db;
  private final Map<String, List<Consumer<String>>> handlers = new ConcurrentHashMap<>();
  private final Map<String, Boolean> listening = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private volatile Thread thread;

  PgNotifications(PgDatabase db) {
    this.db = db;
  }

  /**
   * Calls {@code handler} with each payload sent on {@code channel} (a lower-case SQL identifier), by any
   * node including this one, and with {@code null} after the listening connection was (re)made.
   */
  public void listen(String channel, Consumer<String> handler) {
    if (!channel.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("not a channel name: " + channel);
    }
    handlers.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(handler);
    start();
  }

  /** Sends {@code payload} (at most 7,999 bytes) on {@code channel} to every listening node. */
  public void notify(String channel, String payload) throws SQLException {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      ps.setString(1, channel);
      ps.setString(2, payload);
      ps.execute();
    }
  }

  /** Sends on {@code channel} inside the caller's transaction: delivered when it commits, dropped if it rolls back. */
  public static void notify(Connection c, String channel, String payload) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      ps.setString(1, channel);
      ps.setString(2, payload);
      ps.execute();
    }
  }

  /**
   * {@link #notify(Connection, String, String)} and the commit of the caller's transaction in one round
   * trip ({@code SELECT pg_notify(…); COMMIT} sent together): for a write whose last statement is the
   * notification. The driver then knows the transaction ended, so the caller's {@link Connection#commit}
   * (or a {@link Connection#rollback} after a failed commit) sends nothing more.
   */
  public static void notifyAndCommit(Connection c, String channel, String payload) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?); COMMIT")) {
      ps.setString(1, channel);
      ps.setString(2, payload);
      ps.execute();
    }
  }

  private synchronized void start() {
    if (thread == null && !closed) {
      thread = Thread.ofVirtual().name("postamt-pg-listen").start(this::run);
    }
  }

  private void run() {
    long backoff = 200;
    while (!closed) {
      try (Connection c = db.openDirect()) {
        listening.clear();
        PGConnection pg = c.unwrap(PGConnection.class);
        subscribe(c);
        backoff = 200;
        while (!closed) {
          subscribe(c); // channels registered since
          PGNotification[] got = pg.getNotifications((int) POLL_MS);
          if (got != null) {
            for (PGNotification n : got) {
              dispatch(n.getName(), n.getParameter());
            }
          }
        }
      } catch (SQLException e) {
        if (closed) {
          return;
        }
        log.warn("postgresql: listening for changes of other nodes failed ({}); again in {} ms", e.getMessage(), backoff);
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          return;
        }
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  }

  private void subscribe(Connection c) throws SQLException {
    for (String channel : handlers.keySet()) {
      if (listening.putIfAbsent(channel, Boolean.TRUE) == null) {
        try (Statement st = c.createStatement()) {
          st.execute("LISTEN " + channel);
        }
        dispatch(channel, null);
      }
    }
  }

  private void dispatch(String channel, String payload) {
    for (Consumer<String> h : handlers.getOrDefault(channel, List.of())) {
      try {
        h.accept(payload);
      } catch (RuntimeException e) {
        log.error("postgresql: handler of {} failed: {}", channel, e.toString());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }
}
