package dev.postamt.imap;

import dev.postamt.store.Account;
import dev.postamt.store.MailboxInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions in IDLE (RFC 2177) cost no thread of their own while nothing happens: tens of thousands of
 * them sit idle on one server. A session's notifier runs on a short-lived virtual thread only when
 * there is something to tell, and never twice at once.
 *
 * <p>Two things wake a notifier: the {@link Account}'s change callback (this process changed the
 * mailbox: delivery, another session's STORE, EXPUNGE, APPEND), and one process-wide look every
 * {@link #PERIOD} at each mailbox that idle sessions have selected, for writers outside this process
 * (another program putting mail into {@code new/}, a CLI changing the index). The look is made once
 * per mailbox, not once per session, so its cost does not grow with the number of idle connections.
 */
final class IdleWatch {
  private static final Logger log = LoggerFactory.getLogger(IdleWatch.class);

  /** How often mailboxes with idle sessions are checked for changes made by other processes. */
  static final Duration PERIOD = Duration.ofSeconds(5);

  /** What a woken session does: report the changes of its selected mailbox and flush. */
  interface Notifier {
    void run() throws IOException;
  }

  private static final Set<Registration> idle = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean pollerStarted = new AtomicBoolean();

  private IdleWatch() {}

  /**
   * Starts watching for one session; {@code selected} may be null (then only the account's changes
   * wake it, and the notifier has nothing to report). Close the registration when IDLE ends.
   */
  static Registration register(Account account, SelectedMailbox selected, Notifier notifier) {
    Registration r = new Registration(account, selected, notifier);
    r.unwatch = account.watch(r::wake);
    if (selected != null) {
      idle.add(r);
      if (pollerStarted.compareAndSet(false, true)) {
        Thread.ofVirtual().name("imap-idle-poll").start(IdleWatch::pollLoop);
      }
    }
    return r;
  }

  private record MailboxKey(Account account, long mailboxId) {}

  private static void pollLoop() {
    while (true) {
      try {
        Thread.sleep(PERIOD);
      } catch (InterruptedException e) {
        return;
      }
      Map<MailboxKey, List<Registration>> byMailbox = new HashMap<>();
      for (Registration r : idle) {
        byMailbox.computeIfAbsent(new MailboxKey(r.account, r.mailboxId), k -> new ArrayList<>()).add(r);
      }
      for (var e : byMailbox.entrySet()) {
        try {
          Account a = e.getKey().account();
          long id = e.getKey().mailboxId();
          a.poll(id); // new files in new/ get UIDs and wake every watcher of the account
          Optional<MailboxInfo> now = a.mailbox(id);
          for (Registration r : e.getValue()) {
            // Index changes made by another process do not pass through the account's callbacks.
            if (now.isEmpty() || now.get().highestModseq() != r.seenModseq || now.get().uidNext() != r.seenUidNext) {
              now.ifPresent(m -> r.seen(m.highestModseq(), m.uidNext()));
              r.wake();
            }
          }
        } catch (RuntimeException ex) {
          // The account may be closing under us; its sessions end with it.
          log.debug("idle poll: {}", ex.toString());
        }
      }
    }
  }

  /** One session in IDLE. */
  static final class Registration implements AutoCloseable {
    final Account account;
    final long mailboxId;
    private final Notifier notifier;
    private Runnable unwatch = () -> {};
    private volatile long seenModseq;
    private volatile long seenUidNext;
    private boolean pending;
    private boolean running;
    private boolean stopped;

    private Registration(Account account, SelectedMailbox selected, Notifier notifier) {
      this.account = account;
      this.mailboxId = selected == null ? -1 : selected.id;
      this.notifier = notifier;
      if (selected != null) {
        seen(selected.highestModseq(), selected.uidNext());
      }
    }

    private void seen(long modseq, long uidNext) {
      seenModseq = modseq;
      seenUidNext = uidNext;
    }

    /** Runs the notifier soon on a virtual thread of its own, unless one is running (it runs again). */
    void wake() {
      synchronized (this) {
        if (stopped) {
          return;
        }
        pending = true;
        if (running) {
          return;
        }
        running = true;
      }
      Thread.ofVirtual().name("imap-idle").start(this::drain);
    }

    private void drain() {
      while (true) {
        synchronized (this) {
          if (stopped || !pending) {
            running = false;
            notifyAll();
            return;
          }
          pending = false;
        }
        try {
          notifier.run();
        } catch (IOException | RuntimeException e) {
          log.debug("idle notifier: {}", e.toString());
          synchronized (this) {
            stopped = true; // the connection is gone or broken; the session's read will tell
          }
        }
      }
    }

    /** Stops watching and waits until a running notifier has finished (it writes to the session). */
    @Override
    public void close() {
      idle.remove(this);
      unwatch.run();
      boolean interrupted = false;
      synchronized (this) {
        stopped = true;
        while (running) {
          try {
            wait();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
