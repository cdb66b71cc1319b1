package dev.postamt.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per mailbox, the last message list read, shared by every session of the mailbox until the mailbox
 * changes, and brought up to date from the rows changed since rather than read again. Every change of
 * a message row (flags, insert, delete) raises the mailbox's HIGHESTMODSEQ, and a renumbering its
 * UIDVALIDITY, so an unchanged (uidvalidity, highestmodseq, uidnext) means unchanged rows.
 *
 * <p>Callers pass the index connection whose one transaction also read {@code info}, so each cached
 * pair of mailbox state and list is consistent; concurrent readers may each compute a list, and
 * whichever is stored last is as good as the other.
 *
 * <p>Each entry also remembers the account's change count ({@link #count}) read before the transaction
 * that made it. The count moves before anything learns of a change: this process's writes ({@link
 * #changed}), another node's notification ({@link MaildirAccount#changedElsewhere}), a raised first
 * \Recent UID ({@link #recentRaised}). Where every change is announced (PostgreSQL: this node's writes
 * and other nodes' notifications move the count), an entry whose count is still the account's is the
 * mailbox as it is now, and is handed out without a read ({@link #known}); after any change it is only
 * the base that the next read brings up to date. An entry is taken as current for {@link #KNOWN_FOR} at
 * most: should notifications stop arriving unnoticed (a listening connection that hangs without an
 * error), a node still sees the other nodes' changes within that time, as IDLE's periodic look did.
 */
final class SnapshotCache {
  private final MaildirAccount account;
  private final Map<Long, Entry> last = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();

  /** How long an entry is taken as current without a read, whatever the change count says. */
  static final long KNOWN_FOR = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

  /** A snapshot, the change count read before it was (-1: not known), and when ({@link System#nanoTime}). */
  private record Entry(Account.Snapshot snapshot, long count, long at) {
    Entry(Account.Snapshot snapshot, long count) {
      this(snapshot, count, System.nanoTime());
    }

    boolean currentAt(long count) {
      return this.count == count && System.nanoTime() - at < KNOWN_FOR;
    }
  }

  SnapshotCache(MaildirAccount account) {
    this.account = account;
  }

  /** The messages of the mailbox {@code info} in UID order, as of {@code info}. */
  List<MessageRecord> current(MailIndex index, MailboxInfo info) throws SQLException {
    return current(index, info, -1);
  }

  /**
   * {@link #current(MailIndex, MailboxInfo)}, remembering that {@code info} was read after the account's
   * change count was {@code count}.
   */
  List<MessageRecord> current(MailIndex index, MailboxInfo info, long count) throws SQLException {
    Entry e = last.get(info.id());
    Account.Snapshot prev = e == null ? null : e.snapshot();
    List<MessageRecord> list;
    if (prev != null && prev.info().uidValidity() == info.uidValidity()
        && prev.info().highestModseq() == info.highestModseq() && prev.info().uidNext() == info.uidNext()) {
      list = prev.messages();
      if (prev.info().equals(info) && (e.count() > count || e.count() == count && e.currentAt(count))) {
        return list;
      }
    } else if (prev != null && prev.info().uidValidity() == info.uidValidity()
        && prev.info().highestModseq() > info.highestModseq()) {
      // A read transaction that began before the one that stored the newer list: its own state, not stored.
      return List.copyOf(index.messagesAbove(info.id(), 0));
    } else {
      list = prev != null && prev.info().uidValidity() == info.uidValidity() ? changedSince(index, prev) : null;
      if (list == null) {
        list = List.copyOf(index.messagesAbove(info.id(), 0));
      }
    }
    // the mailbox row as read now (its first \Recent UID may have moved), and the newer count
    last.put(info.id(), new Entry(new Account.Snapshot(info, list), count));
    return list;
  }

  /**
   * The messages of the mailbox {@code info} as a write transaction that changed them reads them, brought up
   * to date from the cached list like {@link #current} but not stored: until the commit nobody else may take
   * them (the write hands them to {@link #changed} after it).
   */
  List<MessageRecord> uncommitted(MailIndex index, MailboxInfo info) throws SQLException {
    Entry e = last.get(info.id());
    Account.Snapshot prev = e == null ? null : e.snapshot();
    List<MessageRecord> list = prev != null && prev.info().uidValidity() == info.uidValidity()
        && prev.info().highestModseq() <= info.highestModseq() ? changedSince(index, prev) : null;
    return list != null ? list : List.copyOf(index.messagesAbove(info.id(), 0));
  }

  /** The account's change count: read it before a read whose result {@link #current} is to remember. */
  long count() {
    return changes.get();
  }

  /** Whether the store announces every change (else no snapshot is ever current without a read). */
  private boolean announced() {
    return account.owner.announcesChanges();
  }

  /** The mailbox as it is now, when that is known without a read; else null. */
  Account.Snapshot known(long mailboxId) {
    return announced() ? known(mailboxId, changes.get()) : null;
  }

  /** The mailbox named {@code name} as it is now, when known without a read (a rename or delete moves the count). */
  Account.Snapshot known(String name) {
    return announced() ? known(name, changes.get()) : null;
  }

  /**
   * Something changed; a write that knows the mailbox it leaves behind says so ({@code known}, else
   * null), having read the count while it held the account's lock and before it read: when nothing else
   * moved the count since, that mailbox is the mailbox as it is now, and sessions take it without a read.
   * A change it does not hold committed after that read of the count, so that change moves the count after
   * it too: then the compare fails here, or it moves the count past what is stored.
   */
  void changed(MessageWriter.Known known) {
    if (known != null && announced() && changes.compareAndSet(known.countBefore(), known.countBefore() + 1)) {
      last.put(known.after().info().id(), new Entry(known.after(), known.countBefore() + 1));
    } else {
      changes.incrementAndGet();
    }
  }

  /**
   * The first \Recent UID of a mailbox was raised to {@code uid} in the index, the count having been {@code
   * countBefore} before: the snapshot current then, with that UID, is current now (nothing for sessions to
   * report), as long as nothing else moved the count.
   */
  void recentRaised(long mailboxId, long countBefore, long uid) {
    Account.Snapshot was = announced() ? known(mailboxId, countBefore) : null;
    if (was != null && changes.compareAndSet(countBefore, countBefore + 1)) {
      MailboxInfo i = was.info();
      MailboxInfo raised = new MailboxInfo(i.id(), i.name(), i.uidValidity(), i.uidNext(), i.highestModseq(),
          i.specialUse(), Math.max(i.firstRecentUid(), uid));
      last.put(mailboxId, new Entry(new Account.Snapshot(raised, was.messages()), countBefore + 1));
    } else {
      changes.incrementAndGet();
    }
  }

  /** The snapshot read after the account's change count was {@code count}, or null when there is none. */
  private Account.Snapshot known(long mailboxId, long count) {
    Entry e = last.get(mailboxId);
    return e != null && e.currentAt(count) ? e.snapshot() : null;
  }

  /** The snapshot of the mailbox named {@code name} read after the change count was {@code count}, or null. */
  private Account.Snapshot known(String name, long count) {
    for (Entry e : last.values()) {
      if (e.currentAt(count) && e.snapshot().info().name().equals(name)) {
        return e.snapshot();
      }
    }
    return null;
  }

  /**
   * The snapshot last stored for the mailbox, whatever changed since (a consistent pair of mailbox row and
   * list, as of some moment); null when there is none.
   */
  Account.Snapshot last(long mailboxId) {
    Entry e = last.get(mailboxId);
    return e == null ? null : e.snapshot();
  }

  /** The mailbox's row as last read, whatever changed since; null when none was read. */
  MailboxInfo lastInfo(long mailboxId) {
    Entry e = last.get(mailboxId);
    return e == null ? null : e.snapshot().info();
  }

  void forget(long mailboxId) {
    last.remove(mailboxId);
  }

  /**
   * The previous list brought up to date from the rows whose MODSEQ is above its HIGHESTMODSEQ and the
   * UIDs expunged since (RFC 7162's expunge history), so that a change costs in proportion to itself
   * and not to the mailbox. Null when the history does not reach back that far.
   */
  private static List<MessageRecord> changedSince(MailIndex index, Account.Snapshot prev) throws SQLException {
    long mailboxId = prev.info().id();
    long since = prev.info().highestModseq();
    List<Long> expunged = index.expungedSince(mailboxId, since);
    if (expunged == null) {
      return null;
    }
    List<MessageRecord> changed = index.messagesAbove(mailboxId, since);
    Set<Long> gone = new HashSet<>(expunged);
    List<MessageRecord> out = new ArrayList<>(prev.messages().size() + changed.size());
    int j = 0;
    for (MessageRecord m : prev.messages()) {
      while (j < changed.size() && changed.get(j).uid() < m.uid()) {
        out.add(changed.get(j++));
      }
      if (j < changed.size() && changed.get(j).uid() == m.uid()) {
        out.add(changed.get(j++));
      } else if (!gone.contains(m.uid())) {
        out.add(m);
      }
    }
    out.addAll(changed.subList(j, changed.size()));
    return List.copyOf(out);
  }
}
