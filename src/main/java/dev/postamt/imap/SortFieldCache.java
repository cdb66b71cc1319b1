package dev.postamt.imap;

import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parsed {@link SortFields} of the messages of recently sorted or threaded mailboxes, shared by
 * all sessions, so that SORT and THREAD on a large mailbox read each message's header once and not at
 * every command. The store keeps no header data of its own; message files never change, so an entry
 * (by user, mailbox id, UIDVALIDITY and UID) is valid for as long as the message exists.
 *
 * <p>Bounded: at most {@link #MAX_ENTRIES} messages over all mailboxes; the mailbox used longest ago
 * is dropped first. Entries of expunged messages are dropped once they make up half of a mailbox's
 * entries.
 */
final class SortFieldCache {
  /** Roughly 200 bytes each: about 100 MB at the bound. */
  static final int MAX_ENTRIES = 500_000;

  private record Key(String user, long mailbox, long uidValidity) {}

  /** Access order: the eldest is the mailbox sorted longest ago. */
  private static final LinkedHashMap<Key, Map<Long, SortFields>> MAILBOXES = new LinkedHashMap<>(16, 0.75f, true);

  private SortFieldCache() {}

  /**
   * The fields of the messages {@code msns} of the view, indexed by sequence number - 1 (null for the
   * others): only the messages a command works on are read.
   */
  static SortFields[] fields(SelectedMailbox sel, java.util.List<Integer> msns) {
    Map<Long, SortFields> map = mailbox(sel);
    SortFields[] out = new SortFields[sel.size()];
    for (int msn : msns) {
      MessageRecord r = sel.record(msn);
      SortFields f = map.get(r.uid());
      if (f == null || !f.base().equals(r.base())) {
        f = load(sel, r);
        map.put(r.uid(), f);
      }
      out[msn - 1] = f;
    }
    if (map.size() > 2 * Math.max(64, sel.size())) {
      java.util.Set<Long> live = new java.util.HashSet<>(sel.uids());
      map.keySet().retainAll(live);
    }
    trim();
    return out;
  }

  private static SortFields load(SelectedMailbox sel, MessageRecord r) {
    Optional<MessageContent> c = sel.open(r);
    if (c.isEmpty()) {
      return SortFields.missing(r);
    }
    try (MessageContent content = c.get()) {
      return SortFields.read(content, r);
    } catch (IOException | RuntimeException e) {
      return SortFields.missing(r);
    }
  }

  private static Map<Long, SortFields> mailbox(SelectedMailbox sel) {
    Key k = new Key(sel.account.user(), sel.id, sel.uidValidity);
    synchronized (MAILBOXES) {
      return MAILBOXES.computeIfAbsent(k, x -> new ConcurrentHashMap<>());
    }
  }

  private static void trim() {
    synchronized (MAILBOXES) {
      long total = 0;
      for (Map<Long, SortFields> m : MAILBOXES.values()) {
        total += m.size();
      }
      Iterator<Map<Long, SortFields>> it = MAILBOXES.values().iterator();
      while (total > MAX_ENTRIES && MAILBOXES.size() > 1 && it.hasNext()) {
        total -= it.next().size();
        it.remove();
      }
    }
  }
}
