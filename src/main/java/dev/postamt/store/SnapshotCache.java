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
 */
final class SnapshotCache {
  private final MaildirAccount account;
  private final Map<Long, Account.Snapshot> last = new ConcurrentHashMap<>();

  SnapshotCache(MaildirAccount account) {
    this.account = account;
  }

  /** The messages of the mailbox {@code info} in UID order, as of {@code info}. */
  List<MessageRecord> current(MailIndex index, MailboxInfo info) throws SQLException {
    Account.Snapshot prev = last.get(info.id());
    if (prev != null && prev.info().uidValidity() == info.uidValidity()
        && prev.info().highestModseq() == info.highestModseq() && prev.info().uidNext() == info.uidNext()) {
      return prev.messages();
    }
    List<MessageRecord> list =
        prev != null && prev.info().uidValidity() == info.uidValidity() ? changedSince(index, prev) : null;
    if (list == null) {
      list = List.copyOf(index.messagesAbove(info.id(), 0));
    }
    last.put(info.id(), new Account.Snapshot(info, list));
    return list;
  }

  void forget(long mailboxId) {
    last.remove(mailboxId);
  }

  /** Drops every cached list (another node changed the account). */
  void clear() {
    last.clear();
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
