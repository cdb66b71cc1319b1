package dev.postamt.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The message writes of a {@link MaildirAccount}: APPEND, COPY, MOVE, STORE, EXPUNGE and the claim of
 * \Recent, each under the account's write lock. Blobs first, index after: a blob is on stable storage
 * before its row is committed, and gone before its row is removed.
 */
final class MessageWriter {
  private final MaildirAccount account;
  private final MailIndex index;

  MessageWriter(MaildirAccount account) {
    this.account = account;
    this.index = account.index;
  }

  Account.AppendResult append(String mailbox, InputStream content, long size, Set<String> flags, long internalDate) {
    return account.write(() -> {
      // before the transaction the known snapshots are the committed state, as for readers
      Account.Snapshot target = account.snapshots.known(MailboxNames.normalize(mailbox));
      MailboxInfo m = target != null ? target.info() : account.require(mailbox);
      checkQuota(size, 1);
      Set<String> f = Flags.of(flags);
      String base = account.blobs.put(m, content, size, f, internalDate);
      Known[] known = new Known[1];
      long uid = index.inTx(() -> {
        long count = account.snapshots.count();
        MailIndex.Inserted in = index.insertOnceReturning(m.id(), base, f, internalDate, size);
        known[0] = afterAppend(in, count);
        if (known[0] == null) {
          known[0] = readInside(m.id(), count);
        }
        return in.uid();
      });
      account.changed(known[0]);
      return new Account.AppendResult(m.uidValidity(), uid);
    });
  }

  /**
   * The mailbox after an APPEND from what the insert returned and the last list stored, without a read:
   * when the insert raised the mailbox's HIGHESTMODSEQ and UIDNEXT by one from that list's, nothing else
   * changed the mailbox since the list was read (every change of a message row raises the MODSEQ), so it
   * is that list and the new row. Null when the insert did not say or the list is older.
   */
  private Known afterAppend(MailIndex.Inserted in, long countBefore) {
    if (in.after() == null || !account.owner.announcesChanges()) {
      return null;
    }
    MailboxInfo after = in.after();
    Account.Snapshot prev = account.snapshots.last(after.id());
    if (prev == null || prev.info().uidValidity() != after.uidValidity()
        || prev.info().highestModseq() != after.highestModseq() - 1 || prev.info().uidNext() != after.uidNext() - 1
        || in.uid() != prev.info().uidNext()) {
      return null;
    }
    List<MessageRecord> list = new ArrayList<>(prev.messages().size() + 1);
    list.addAll(prev.messages());
    list.add(in.row());
    return new Known(new Account.Snapshot(after, List.copyOf(list)), countBefore);
  }

  /**
   * SELECT's claim of \Recent (RFC 3501 §2.3.2): messages from the mailbox's first \Recent UID up to
   * {@code upToUidNext} become this session's; returns the first \Recent UID as it was.
   */
  long claimRecent(long mailboxId, long upToUidNext) {
    return account.write(() -> {
      if (account.owner.announcesChanges()) {
        return claimAnnounced(mailboxId, upToUidNext);
      }
      MailboxInfo m = account.require(mailboxId);
      if (m.firstRecentUid() < upToUidNext) {
        long count = account.snapshots.count();
        index.inTx(() -> {
          index.raiseFirstRecent(mailboxId, upToUidNext);
          return null;
        });
        account.snapshots.recentRaised(mailboxId, count, upToUidNext); // nothing for sessions to report
      }
      return m.firstRecentUid();
    });
  }

  /**
   * {@link #claimRecent} where every change is announced (PostgreSQL): when the known snapshot (this node's
   * claims update it) has the first \Recent UID at {@code upToUidNext} already, another session claimed
   * the range and there is nothing to write (the stored value only grows); else one statement raises it and
   * says what it was (see {@link MailIndex#claimRecent}).
   */
  private long claimAnnounced(long mailboxId, long upToUidNext) throws java.sql.SQLException {
    long count = account.snapshots.count();
    Account.Snapshot known = account.snapshots.known(mailboxId);
    if (known != null && known.info().firstRecentUid() >= upToUidNext) {
      return known.info().firstRecentUid();
    }
    long was = index.claimRecent(mailboxId, upToUidNext);
    account.snapshots.recentRaised(mailboxId, count, Math.max(was, upToUidNext)); // nothing for sessions to report
    return was;
  }

  /** Refused as a whole ({@link StoreException.Kind#OVERQUOTA}) when the copies would not fit. */
  Account.CopyResult copy(long sourceId, List<MessageRecord> msgs, String target) {
    return account.write(() -> {
      account.require(target);
      checkQuota(msgs.stream().mapToLong(MessageRecord::size).sum(), msgs.size());
      return copyMessages(sourceId, msgs, target);
    });
  }

  /**
   * Within one account a move leaves the usage as it was, so it is not checked against the quota (a
   * user over quota can still move mail to Trash).
   */
  Account.CopyResult move(long sourceId, List<MessageRecord> msgs, String target) {
    return account.write(() -> {
      Account.CopyResult r = copyMessages(sourceId, msgs, target);
      Set<Long> moved = new TreeSet<>(r.sourceUids());
      account.changed(
          removeMessages(account.require(sourceId), msgs.stream().filter(m -> moved.contains(m.uid())).toList()));
      return r;
    });
  }

  /** COPY without the quota check: for MOVE and RENAME INBOX, which do not add to the usage. */
  Account.CopyResult copyMessages(long sourceId, List<MessageRecord> msgs, String target) throws IOException {
    MailboxInfo src = account.require(sourceId);
    MailboxInfo dst = account.require(target);
    List<String> bases = new ArrayList<>();
    List<MessageRecord> copied = new ArrayList<>();
    for (MessageRecord m : msgs) {
      String base = account.blobs.copy(src, m.base(), m.flags(), m.size(), dst);
      if (base != null) {
        bases.add(base);
        copied.add(m);
      }
    }
    List<Long> uids;
    try {
      uids = index.inTx(() -> {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < copied.size(); i++) {
          MessageRecord m = copied.get(i);
          out.add(index.insertOnce(dst.id(), bases.get(i), m.flags(), m.internalDate(), m.size()));
        }
        return out;
      });
    } catch (java.sql.SQLException e) {
      throw MailIndex.bug(e);
    }
    account.changed();
    return new Account.CopyResult(dst.uidValidity(), copied.stream().map(MessageRecord::uid).toList(), uids);
  }

  /**
   * The flags are worked out inside the write transaction, from the rows as they are then: another
   * process or node changing the same messages at the same time is serialised by the index, so neither
   * change is lost (RFC 7162 §3.1.3: UNCHANGEDSINCE is checked against the MODSEQ of that moment).
   */
  List<MessageRecord> store(
      long mailboxId, Collection<Long> uids, Account.FlagMode mode, Collection<String> flags, long unchangedSince,
      List<Long> modified) {
    Set<String> given = Flags.of(flags);
    return account.write(() -> {
      int modifiedBefore = modified.size();
      List<MessageRecord[]> changes = new ArrayList<>();
      MailboxInfo[] box = new MailboxInfo[1];
      List<List<MessageRecord>> before = new ArrayList<>(1);
      // before the transaction's first read (which also takes the account's lock): see SnapshotCache.changed
      long[] count = {account.snapshots.count()};
      List<MessageRecord> out = index.inMailboxTx(mailboxId, read -> {
        modified.subList(modifiedBefore, modified.size()).clear(); // a retried transaction starts afresh
        changes.clear();
        before.clear();
        if (read == null) {
          throw new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox was deleted");
        }
        MailboxInfo mb = read;
        box[0] = mb;
        List<MessageRecord> current = account.snapshots.current(index, mb);
        before.add(current);
        List<MessageRecord> done = new ArrayList<>();
        for (long uid : uids) {
          int at = indexOf(current, uid);
          if (at < 0) {
            continue;
          }
          MessageRecord m = current.get(at);
          if (unchangedSince >= 0 && m.modseq() > unchangedSince) {
            modified.add(uid);
            continue;
          }
          TreeSet<String> next = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
          switch (mode) {
            case ADD -> {
              next.addAll(m.flags());
              next.addAll(given);
            }
            case REMOVE -> {
              next.addAll(m.flags());
              next.removeAll(given);
            }
            case REPLACE -> next.addAll(given);
          }
          if (!sameFlags(next, m.flags())) {
            long modseq = index.setFlags(mailboxId, uid, next);
            MessageRecord after = new MessageRecord(uid, m.base(), next, modseq, m.internalDate(), m.size(), m.saveDate());
            changes.add(new MessageRecord[] {m, after});
            done.add(after);
          }
        }
        return done;
      });
      if (changes.isEmpty()) {
        return List.<MessageRecord>of();
      }
      for (MessageRecord[] c : changes) { // the folder as the transaction read it (a rename takes this lock too)
        account.blobs.flagsChanged(box[0], c[0].base(), c[0].flags(), c[1].flags());
      }
      // the after-state only where it is kept (SQLite keeps none: a copy of the list per STORE for nothing)
      account.changed(account.owner.announcesChanges()
          ? new Known(afterStore(box[0], before.getFirst(), out), count[0]) : null);
      return out;
    });
  }

  /**
   * The mailbox after a STORE, from the state its transaction read and the records it wrote: the index
   * serialises an account's writers (the account row's lock, see {@link PgMailIndex}), so nobody changed
   * the mailbox between that read and the commit.
   */
  private static Account.Snapshot afterStore(MailboxInfo mb, List<MessageRecord> read, List<MessageRecord> written) {
    List<MessageRecord> list = new ArrayList<>(read);
    long modseq = mb.highestModseq();
    for (MessageRecord r : written) {
      list.set(indexOf(list, r.uid()), r);
      modseq = Math.max(modseq, r.modseq());
    }
    MailboxInfo info = new MailboxInfo(mb.id(), mb.name(), mb.uidValidity(), mb.uidNext(), modseq, mb.specialUse(),
        mb.firstRecentUid());
    return new Account.Snapshot(info, List.copyOf(list));
  }

  /** Index of a UID in a list in UID order, or -1. */
  private static int indexOf(List<MessageRecord> list, long uid) {
    List<Long> uids = new java.util.AbstractList<>() {
      @Override
      public Long get(int i) {
        return list.get(i).uid();
      }

      @Override
      public int size() {
        return list.size();
      }
    };
    return Math.max(-1, java.util.Collections.binarySearch(uids, uid));
  }

  private static boolean sameFlags(Set<String> a, Set<String> b) {
    return a.size() == b.size() && a.stream().allMatch(f -> Flags.contains(b, f))
        && a.stream().allMatch(f -> b.stream().anyMatch(f::equals));
  }

  List<Long> expunge(long mailboxId, Optional<Set<Long>> onlyUids) {
    if (account.owner.announcesChanges()) {
      return expungeLocked(mailboxId, onlyUids);
    }
    return account.write(() -> {
      // The mailbox and its messages as one state; the list is the shared one brought up to date (a read
      // of what changed since), not every row of the mailbox read again. Always read, never the known
      // snapshot: EXPUNGE deletes files, and a \Deleted that another node cleared a moment ago must be seen
      // even when its notification has not arrived yet.
      MailboxInfo[] box = new MailboxInfo[1];
      List<MessageRecord> all = index.inReadTx(i -> {
        box[0] = i.findMailbox(mailboxId)
            .orElseThrow(() -> new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox was deleted"));
        return account.snapshots.current(i, box[0]);
      });
      MailboxInfo mb = box[0];
      List<MessageRecord> doomed = new ArrayList<>();
      for (MessageRecord m : all) {
        if (m.has(Flags.DELETED) && onlyUids.map(s -> s.contains(m.uid())).orElse(true)) {
          doomed.add(m);
        }
      }
      Known after = removeMessages(mb, doomed);
      if (!doomed.isEmpty()) {
        account.changed(after);
      }
      return doomed.stream().map(MessageRecord::uid).toList();
    });
  }

  /**
   * EXPUNGE where every change is announced (PostgreSQL), in one write transaction: the mailbox read with
   * the account's lock ({@link MailIndex#inMailboxTx}), so what it deletes is the mailbox as it is then
   * (a {@code \Deleted} another node cleared a moment ago is seen even before its notification arrives,
   * and nobody changes the mailbox until the commit); the list is the shared one brought up to date from
   * that row (no read when it is current); blobs removed, then the rows; the mailbox after it is that list
   * less the removed messages, with the MODSEQ the removal got.
   */
  private List<Long> expungeLocked(long mailboxId, Optional<Set<Long>> onlyUids) {
    return account.write(() -> {
      long count = account.snapshots.count(); // before the first read: see SnapshotCache.changed
      List<MessageRecord> doomed = new ArrayList<>();
      Known after = index.inMailboxTx(mailboxId, mb -> {
        doomed.clear(); // a retried transaction starts afresh
        if (mb == null) {
          throw new StoreException(StoreException.Kind.NONEXISTENT, "Mailbox was deleted");
        }
        List<MessageRecord> all = account.snapshots.current(index, mb);
        List<MessageRecord> kept = new ArrayList<>(all.size());
        for (MessageRecord m : all) {
          if (m.has(Flags.DELETED) && onlyUids.map(s -> s.contains(m.uid())).orElse(true)) {
            doomed.add(m);
          } else {
            kept.add(m);
          }
        }
        if (doomed.isEmpty()) {
          return null;
        }
        account.blobs.delete(mb, doomed);
        long modseq = index.removeMessages(mb.id(), doomed.stream().map(MessageRecord::uid).toList());
        if (modseq == 0) {
          return null; // none of them was there: cannot be under the lock, but then nothing is known
        }
        MailboxInfo info = new MailboxInfo(mb.id(), mb.name(), mb.uidValidity(), mb.uidNext(), modseq, mb.specialUse(),
            mb.firstRecentUid());
        return new Known(new Account.Snapshot(info, List.copyOf(kept)), count);
      });
      if (!doomed.isEmpty()) {
        account.changed(after);
      }
      return doomed.stream().map(MessageRecord::uid).toList();
    });
  }

  /** Removes blobs, then rows; returns the mailbox as the removal left it (see {@link #readInside}). */
  Known removeMessages(MailboxInfo mb, List<MessageRecord> doomed) throws IOException {
    if (doomed.isEmpty()) {
      return null;
    }
    account.blobs.delete(mb, doomed);
    try {
      return index.inTx(() -> {
        long count = account.snapshots.count();
        index.removeMessages(mb.id(), doomed.stream().map(MessageRecord::uid).toList());
        return readInside(mb.id(), count);
      });
    } catch (java.sql.SQLException e) {
      throw MailIndex.bug(e);
    }
  }

  /** A write's knowledge of the mailbox it leaves: what it will be at commit, and the change count before. */
  record Known(Account.Snapshot after, long countBefore) {}

  /**
   * Inside a write transaction, where the store announces every change: the mailbox as this transaction
   * leaves it (the shared list brought up to date by a read of the rows it changed, not stored before the
   * commit), which is the
   * mailbox at its commit, for nobody else writes the account meanwhile (the index serialises writers:
   * the account row's lock, see {@link PgMailIndex}). Sessions then take it without a read of their own
   * ({@link MaildirAccount#changed(Known)}). Null where changes are not announced (SQLite).
   */
  private Known readInside(long mailboxId, long countBefore) throws java.sql.SQLException {
    if (!account.owner.announcesChanges()) {
      return null;
    }
    MailboxInfo info = index.findMailbox(mailboxId).orElse(null);
    return info == null ? null
        : new Known(new Account.Snapshot(info, account.snapshots.uncommitted(index, info)), countBefore);
  }

  private void checkQuota(long addBytes, long addMessages) {
    Quota.Limit limit = account.owner.quotaPolicy().limitFor(account.user);
    if (!limit.unlimited() && !account.quota(limit).allows(addBytes, addMessages)) {
      throw Quota.exceeded();
    }
  }
}
