package dev.postamt.search;

import dev.postamt.store.Account;
import dev.postamt.store.MailboxInfo;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The accounts the indexer keeps open between the syncs of users whose mail trickles in. Opening an
 * account on the SQLite store reconciles every folder with its index (every file name and every row of
 * the mailbox, {@code FolderScan.reconcile}): for a message that arrives alone that was about a fifth of
 * what indexing it cost (bench/README.md, 2026-12-05 15:58–16:03).
 *
 * <p>The indexer's references are {@linkplain Account#quiet quiet}, held or in a sync: while nobody else
 * has the account open, deliveries wait in {@code new/} as for a closed account, and {@link #take} takes
 * them in, every folder's, with one transaction each when the next sync starts. (The store's intake took
 * each delivery into a held account as it came: a transaction, a WAL fsync and a rename per delivery or
 * two, about a tenth of a loaded server's CPU; bench/README.md, 2026-12-07 20:17–20:56.)
 *
 * <p>A sync that adds many messages (a burst) lets a small account go; the next sync's open takes in what
 * came meanwhile. Not so an account of {@link #LARGE} messages or more: its open lists and reads every
 * message of the mailbox (1.6 µs each, bench/README.md 2026-12-06 05:30), and under a steady stream of
 * mail the indexer opened it again for each sync, every few hundred deliveries: at 100,000 messages ~160
 * ms of CPU and some 30 MB of short-lived names and rows per open, the heap G1 grew for them as the
 * mailbox grew (bench/README.md, 2026-12-06 20:14).
 *
 * <p>At most {@link #MAX} accounts, each for at most {@link #IDLE_NANOS} without a sync. Used by the
 * indexer's thread; {@link #closeAll} from any.
 */
final class HeldAccounts {
  static final int MAX = 16;
  /** Messages in a user's index from which the account is held after a burst too (see the class comment). */
  static final int LARGE = 10_000;
  static final long IDLE_NANOS = 60_000_000_000L;

  private record Held(Account account, long since) {}

  private final Map<String, Held> held = new LinkedHashMap<>();

  /**
   * The held account of {@code user}, no longer held (the caller {@linkplain #keep keeps} or {@linkplain
   * #release releases} it), its folders looked at; still quiet.
   */
  synchronized Account take(String user) {
    Held h = held.remove(user);
    if (h == null) {
      return null;
    }
    try {
      for (MailboxInfo m : h.account().mailboxes()) {
        h.account().poll(m.id()); // files delivered without the store's intake (cheap when none)
      }
      return h.account();
    } catch (RuntimeException e) {
      release(h.account());
      throw e;
    }
  }

  /**
   * Holds {@code a} (open, {@linkplain Account#quiet quiet}) for the next sync of {@code user}; the eldest
   * goes beyond {@link #MAX}.
   */
  void keep(String user, Account a) {
    List<Account> closing = new ArrayList<>();
    synchronized (this) {
      Held before = held.put(user, new Held(a, System.nanoTime()));
      if (before != null && before.account() != a) {
        closing.add(before.account());
      }
      for (Iterator<Held> it = held.values().iterator(); held.size() > MAX && it.hasNext(); ) {
        closing.add(it.next().account());
        it.remove();
      }
    }
    closing.forEach(HeldAccounts::release);
  }

  synchronized boolean holds(String user) {
    return held.containsKey(user);
  }

  /** Closes the accounts held longer than {@code nanos} without a sync. */
  void closeIdle(long nanos) {
    List<Account> closing = new ArrayList<>();
    long now = System.nanoTime();
    synchronized (this) {
      for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
        Held h = it.next();
        if (now - h.since() >= nanos) {
          closing.add(h.account());
          it.remove();
        }
      }
    }
    closing.forEach(HeldAccounts::release);
  }

  /** Closes a reference of the indexer's, which is {@linkplain Account#quiet quiet} while it has it. */
  static void release(Account a) {
    a.quiet(false);
    a.close();
  }

  void closeAll() {
    closeIdle(Long.MIN_VALUE);
  }

  synchronized int size() {
    return held.size();
  }
}
