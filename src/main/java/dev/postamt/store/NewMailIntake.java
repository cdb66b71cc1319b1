package dev.postamt.store;

import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
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
 * write lock, an index transaction, the move into {@code cur/}). Done on each SMTP session's thread,
 * every delivery to a user whose account was open (an IMAP session, the search indexer) queued behind
 * the previous one for that lock and the index's commit before it could answer, so the sessions of one
 * busy recipient took turns; and SQLite's commit, a native call, held one of the few carrier threads of
 * the virtual threads meanwhile. Here one worker thread does it for all of them, and
 * a new message reaches IDLE a moment after its {@code 250} instead of before. Nothing is lost if the
 * process dies first: the file is in {@code new/} and every open, poll or SELECT takes it in.
 *
 * <p>Each user is taken in by one worker at a time; a delivery noted while its user is being taken in
 * is taken in by a second pass of the same worker. Platform threads: the index work blocks in native code.
 *
 * <p>Noting a delivery takes no lock: each user with deliveries not yet taken in has a {@link User} whose
 * state moves by compare-and-set (queued, being taken in, being taken in and noted again), and only the
 * first delivery after a pass puts the user on the workers' queue. Twenty SMTP sessions delivering to one
 * busy user took turns on one monitor before, most of {@code accept}'s CPU (JFR, bench/README.md
 * 2026-12-05 20:20).
 */
public final class NewMailIntake implements Consumer<String>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NewMailIntake.class);

  /** On the workers' queue or being taken in, not yet noted again. */
  private static final int QUEUED = 1;
  /** Being taken in by a worker. */
  private static final int RUNNING = 2;
  /** Being taken in, and noted again since the pass began: the worker makes one more pass. */
  private static final int AGAIN = 3;
  /** Done and about to leave {@link #users}: a delivery that finds it removes it and makes a fresh one. */
  private static final int GONE = 4;

  /** A user with deliveries not yet taken in (or being taken in), and where that stands. */
  private static final class User {
    final String name;
    final AtomicInteger state = new AtomicInteger(QUEUED);

    User(String name) {
      this.name = name;
    }
  }

  /** Tells a worker to stop. */
  private static final User STOP = new User("");

  private final MailStore store;
  /** The users with deliveries not yet taken in or being taken in; one {@link User} each. */
  private final ConcurrentHashMap<String, User> users = new ConcurrentHashMap<>();
  /** Users waiting for a worker, oldest first; each at most once. */
  private final BlockingQueue<User> queue = new LinkedBlockingQueue<>();
  /** The users in {@link #users}: zero when everything noted has been taken in ({@link #awaitIdle}). */
  private final AtomicInteger outstanding = new AtomicInteger();
  /** What {@link #awaitIdle} waits on; notified when {@link #outstanding} reaches zero. */
  private final Object idle = new Object();
  /** Started at the first delivery, so that a server that takes no mail keeps none (idle footprint). */
  private final Thread[] workers;
  private volatile boolean started;
  private volatile boolean closed;

  /** @param threads how many users may be taken in at once (each user by one thread at a time) */
  public NewMailIntake(MailStore store, int threads) {
    this.store = store;
    this.workers = new Thread[threads];
  }

  /** Notes that {@code user} got mail; never blocks on the store, takes no lock once the workers run. */
  @Override
  public void accept(String user) {
    if (closed) {
      return; // stopping: the next open takes the message in
    }
    if (!started) {
      start();
    }
    String key = user.toLowerCase(Locale.ROOT);
    while (true) {
      User u = users.get(key);
      if (u == null) {
        User fresh = new User(key);
        if (users.putIfAbsent(key, fresh) == null) {
          outstanding.incrementAndGet();
          queue.add(fresh);
          return;
        }
        continue; // another delivery put it there first: note on that one
      }
      int s = u.state.get();
      if (s == QUEUED || s == AGAIN) {
        // A pass that has not begun yet will see the file, which was delivered before this call.
        return;
      }
      if (s == RUNNING) {
        if (u.state.compareAndSet(RUNNING, AGAIN)) {
          return;
        }
        continue;
      }
      users.remove(key, u); // GONE: its worker is about to remove it; a fresh one is made next
    }
  }

  private synchronized void start() {
    if (started || closed) {
      return;
    }
    for (int i = 0; i < workers.length; i++) {
      workers[i] = Thread.ofPlatform().daemon().name("store-intake-" + i).start(this::work);
    }
    started = true;
  }

  private void work() {
    while (true) {
      User u;
      try {
        u = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (u == STOP) {
        return;
      }
      u.state.set(RUNNING); // from QUEUED: a delivery noted from now on asks for another pass
      while (true) {
        try {
          store.notifyDelivered(u.name);
        } catch (RuntimeException e) {
          // The message is safe in new/; the next poll or open takes it in.
          log.warn("store: {}: taking in new mail failed: {}", u.name, e.toString());
        }
        if (u.state.compareAndSet(RUNNING, GONE)) {
          break;
        }
        u.state.set(RUNNING); // from AGAIN: noted during the pass
      }
      users.remove(u.name, u);
      if (outstanding.decrementAndGet() == 0) {
        synchronized (idle) {
          idle.notifyAll();
        }
      }
    }
  }

  /** Waits until every user noted before the call has been taken in (for tests and shutdown). */
  public void awaitIdle() throws InterruptedException {
    synchronized (idle) {
      while (outstanding.get() != 0) {
        idle.wait();
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
    synchronized (this) {
      closed = true;
      if (!started) {
        return; // never started
      }
    }
    for (int i = 0; i < workers.length; i++) {
      queue.add(STOP);
    }
    for (Thread t : workers) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
