package dev.postamt.search;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * When the indexer takes a user's changes in: not at every delivery but once they pause. Each sync of a
 * user costs the same fixed work whatever it adds (the store's mailbox list and message records, a
 * Lucene flush into a new small segment, a commit, a reader reopened, and later the merges of those
 * segments), so a message indexed alone costs several times its share of a batch. A user whose mail
 * changed waits until no change has come for {@link #QUIET_NANOS}, or until its oldest change waiting
 * is {@link #MAX_AGE_NANOS} old, or {@link #MAX_BACKLOG} changes have piled up, whichever comes first;
 * then one sync takes all of them in.
 *
 * <p>Nothing answers differently for it: a search reads the messages the index has not taken in yet
 * (see the package comment), and a search may ask for the user now ({@link #urgent}); waiting for the
 * index ({@link SearchIndexes#awaitIdle}) takes everyone now ({@link #hurry}). The waiting users are
 * kept in memory only: after a restart the index compares itself with the store, as always.
 *
 * <p>{@link #changed} and {@link #urgent} may be called from any thread; the rest from the indexer's.
 */
final class IndexPacing {
  /** A pause in a user's changes this long starts the sync. */
  static final long QUIET_NANOS = 1_000_000_000L;
  /** A change waits at most this long (deliveries that never pause). */
  static final long MAX_AGE_NANOS = 10_000_000_000L;
  /** Or at most this many changes pile up before the sync (bounds what searches read meanwhile; a delivery is one). */
  static final int MAX_BACKLOG = 500;
  /** How often the indexer looks at the users it holds back, at most. */
  static final long TICK_NANOS = 100_000_000L;

  /** Changes of a user since its last sync began; {@code first == 0}: wanted now. */
  private static final class Waiting {
    volatile long first;
    volatile long last;
    final AtomicInteger count = new AtomicInteger();

    Waiting(long now) {
      first = now;
      last = now;
    }
  }

  private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
  /** Users taken from the queue whose sync waits (the indexer's thread only). */
  private final Set<String> held = new LinkedHashSet<>();
  private final AtomicInteger hurry = new AtomicInteger();

  /** Notes one change of {@code user}'s mail, now. */
  void changed(String user) {
    changed(user, true);
  }

  /**
   * Notes activity on {@code user}'s mail, now; {@code counts}: a change of its own towards {@link
   * #MAX_BACKLOG} (new mail taken in that its delivery already counted is not).
   */
  void changed(String user, boolean counts) {
    long now = System.nanoTime();
    Waiting w = waiting.computeIfAbsent(user, u -> new Waiting(now));
    w.last = now;
    if (counts) {
      w.count.incrementAndGet();
    }
  }

  /** A search of {@code user} wants the index caught up: the next turn of the indexer syncs it. */
  void urgent(String user) {
    Waiting w = waiting.get(user);
    if (w != null) {
      w.first = 0;
    }
  }

  /** While the returned count is above zero (see {@link #endHurry}) nobody waits. */
  void hurry() {
    hurry.incrementAndGet();
  }

  void endHurry() {
    hurry.decrementAndGet();
  }

  /**
   * An indexer's {@code awaitIdle}: nobody is held back meanwhile ({@link #hurry}), and {@code idle} is
   * asked every 20 ms until it holds (true) or {@code millis} have passed (false).
   */
  boolean awaitIdle(long millis, java.util.function.BooleanSupplier idle) throws InterruptedException {
    long end = System.nanoTime() + millis * 1_000_000;
    hurry();
    try {
      while (System.nanoTime() < end) {
        if (idle.getAsBoolean()) {
          return true;
        }
        Thread.sleep(20);
      }
      return false;
    } finally {
      endHurry();
    }
  }

  /** Whether {@code user}'s sync should start now. */
  boolean ready(String user, long now) {
    Waiting w = waiting.get(user);
    if (w == null || hurry.get() > 0 || w.count.get() >= MAX_BACKLOG) {
      return true;
    }
    return now - w.last >= QUIET_NANOS || now - w.first >= MAX_AGE_NANOS;
  }

  /** Holds {@code user} back until {@link #ready}; {@link #nextReady} hands it out then. */
  void hold(String user) {
    held.add(user);
  }

  /** A held user whose time has come, removed from the held ones; null when none. */
  String nextReady() {
    long now = System.nanoTime();
    for (Iterator<String> it = held.iterator(); it.hasNext(); ) {
      String u = it.next();
      if (ready(u, now)) {
        it.remove();
        return u;
      }
    }
    return null;
  }

  /** How long the indexer may block waiting for new work before it looks at the held users again. */
  long pollNanos(long idleNanos) {
    return held.isEmpty() ? idleNanos : TICK_NANOS;
  }

  /** The sync of {@code user} begins: changes from now on wait for the next one. */
  void taken(String user) {
    waiting.remove(user);
    held.remove(user);
  }
}
