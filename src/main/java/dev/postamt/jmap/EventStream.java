package dev.postamt.jmap;

import dev.postamt.jmap.json.Json;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Push over EventSource (RFC 8620 §7.3): while the client listens, every change to the account (a
 * delivery, an IMAP STORE, a JMAP set — whatever moves the state, {@link AccountState}) is one {@code
 * state} event with a StateChange object (§7.1) naming the new state of Email, Mailbox and Thread;
 * {@code ping} events keep idle connections open. Blocks the calling (virtual) thread until the client
 * goes away, {@code closeafter=state} is satisfied, or {@link #closeAll} is called at shutdown.
 */
public final class EventStream {
  /** Where the events go: the HTTP response. A failing write ends the stream. */
  @FunctionalInterface
  public interface Sink {
    void send(String text) throws IOException;
  }

  /** The bounds of a client's {@code ping} (seconds), as §7.3 lets a server choose. */
  static final long MIN_PING = 5;
  static final long MAX_PING = 300;
  /** Without pings, a comment line this often finds out when the client has gone. */
  static final long IDLE_CHECK_SECONDS = 60;
  private static final Set<String> TYPES = Set.of("Email", "Mailbox", "Thread");

  private final MailStore store;
  private final Set<Thread> running = ConcurrentHashMap.newKeySet();

  public EventStream(MailStore store) {
    this.store = store;
  }

  /**
   * Runs one stream for {@code user}.
   *
   * @param types the {@code types} parameter: {@code *} or a comma-separated list of type names
   * @param closeAfterState whether to end after the first state event
   * @param pingSeconds the client's ping interval, 0 for none
   */
  public void run(String user, String types, boolean closeAfterState, long pingSeconds, Sink sink) throws IOException {
    Set<String> wanted = types == null || types.equals("*") ? TYPES : Set.of(types.split(","));
    long ping = pingSeconds <= 0 ? 0 : Math.clamp(pingSeconds, MIN_PING, MAX_PING);
    Semaphore changed = new Semaphore(0);
    running.add(Thread.currentThread());
    try (Account account = store.open(user)) {
      Runnable unwatch = account.watch(changed::release);
      try {
        String last = AccountState.of(account).encode();
        sink.send(": ready\n\n"); // a comment (not an event): every change from now on is reported
        while (!Thread.currentThread().isInterrupted()) {
          boolean woke = changed.tryAcquire(ping > 0 ? ping : IDLE_CHECK_SECONDS, TimeUnit.SECONDS);
          if (!woke) {
            sink.send(ping > 0 ? "event: ping\ndata: {\"interval\":" + ping + "}\n\n" : ": idle\n\n");
            continue;
          }
          changed.drainPermits();
          String now = AccountState.of(account).encode();
          if (now.equals(last) || wanted.stream().noneMatch(TYPES::contains)) {
            continue;
          }
          last = now;
          sink.send("event: state\ndata: " + Json.write(stateChange(user, now, wanted)) + "\n\n");
          if (closeAfterState) {
            return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // shutting down: the stream just ends
      } finally {
        unwatch.run();
      }
    } finally {
      running.remove(Thread.currentThread());
    }
  }

  static Map<String, Object> stateChange(String user, String state, Set<String> wanted) {
    Map<String, Object> types = new LinkedHashMap<>();
    for (String t : TYPES) {
      if (wanted.contains(t)) {
        types.put(t, state);
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("@type", "StateChange");
    m.put("changed", Map.of(Ids.account(user), types));
    return m;
  }

  /** Ends every running stream (server shutdown). */
  public void closeAll() {
    running.forEach(Thread::interrupt);
  }
}
