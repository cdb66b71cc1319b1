package dev.postamt.store;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes local deliveries into the index off the delivering thread: {@link #accept} notes the user and
 * returns at once; a worker calls {@link MailStore#notifyDelivered} for each noted user, one call for
 * every delivery that arrived since the last (a group commit of the index).
 *
 * <p>Why: a delivery is durable when its Maildir file and {@code new/} are fsync'd, and that is what the
 * SMTP {@code 250} waits for. Giving the message its UID is index work of the account's one writer (the
 * write lock, an index transaction, the move into {@code cur/} and its directory fsync). Done on each SMTP
 * session's thread, every delivery to a user whose account was open (an IMAP session, the search
 * indexer) queued behind the previous one for that lock and its fsyncs before it could answer, so the
 * sessions of one busy recipient took turns; and SQLite's commit, a native call, held one of the few
 * carrier threads of the virtual threads meanwhile. Here one worker thread does it for all of them, and
 * a new message reaches IDLE a moment after its {@code 250} instead of before. Nothing is lost if the
 * process dies first: the file is in {@code new/} and every open, poll or SELECT takes it in.
 *
 * <p>Each user is taken in by one worker at a time; a delivery noted while its user is being taken in
 * is taken in by a second pass. Platform threads: the index work blocks in native code.
 */
public final class NewMailIntake implements Consumer<String>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NewMailIntake.class);

  private final MailStore store;
  private final Object lock = new Object();
  /** Users with deliveries not yet taken in, oldest first. */
  private final LinkedHashSet<String> pending = new LinkedHashSet<>();
  /**
   * The same users, readable without {@link #lock}: a delivery to a user already pending needs nothing
   * more, and the twenty sessions of a busy server delivering to one user took turns on the lock only to
   * find that out (measured: a few per cent of the SMTP sessions' CPU, spent spinning on it).
   */
  private final Set<String> noted = ConcurrentHashMap.newKeySet();
  /** Users a worker is taking in right now. */
  private final Set<String> running = new HashSet<>();
  /** Started at the first delivery, so that a server that takes no mail keeps none (idle footprint). */
  private final Thread[] workers;
  private boolean started;
  private boolean closed;

  /** @param threads how many users may be taken in at once (each user by one thread at a time) */
  public NewMailIntake(MailStore store, int threads) {
    this.store = store;
    this.workers = new Thread[threads];
  }

  /** Notes that {@code user} got mail; never blocks on the store. */
  @Override
  public void accept(String user) {
    String key = user.toLowerCase(Locale.ROOT);
    if (noted.contains(key)) {
      // Pending, and not yet taken by a worker: a worker removes it from noted before it starts on the
      // user's new/, so the pass to come sees the file delivered before this call.
      return;
    }
    synchronized (lock) {
      if (closed) {
        return; // stopping: the next open takes the message in
      }
      if (!started) {
        started = true;
        for (int i = 0; i < workers.length; i++) {
          workers[i] = Thread.ofPlatform().daemon().name("store-intake-" + i).start(this::work);
        }
      }
      if (pending.add(key)) {
        noted.add(key);
        if (!running.contains(key)) {
          // A user being taken in now is taken in again by the same worker when it is done (work() looks
          // for the next ready user before it waits): waking the idle workers for it only had them
          // contend for the lock and wait again, once per pass (JFR: notifyAll was most of accept's cost).
          lock.notifyAll();
        }
      }
    }
  }

  private void work() {
    while (true) {
      String user;
      synchronized (lock) {
        user = null;
        while (!closed && (user = nextReady()) == null) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (user == null) {
          return;
        }
        pending.remove(user);
        noted.remove(user);
        running.add(user);
      }
      try {
        store.notifyDelivered(user);
      } catch (RuntimeException e) {
        // The message is safe in new/; the next poll or open takes it in.
        log.warn("store: {}: taking in new mail failed: {}", user, e.toString());
      } finally {
        synchronized (lock) {
          running.remove(user);
          lock.notifyAll(); // a pass for a user noted again meanwhile, or awaitIdle
        }
      }
    }
  }

  /** The oldest pending user nobody is taking in; null when none. Holding {@link #lock}. */
  private String nextReady() {
    for (String u : pending) {
      if (!running.contains(u)) {
        return u;
      }
    }
    return null;
  }

  /** Waits until every user noted before the call has been taken in (for tests and shutdown). */
  public void awaitIdle() throws InterruptedException {
    synchronized (lock) {
      while (!closed && (!pending.isEmpty() || !running.isEmpty())) {
        lock.wait();
      }
    }
  }

  /** Takes in what is pending, then stops the workers. */
  @Override
  public void close() {
    try {
      awaitIdle();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    for (Thread t : workers) {
      if (t == null) {
        continue; // never started
      }
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
