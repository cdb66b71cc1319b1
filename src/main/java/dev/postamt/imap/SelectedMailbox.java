package dev.postamt.imap;

import dev.postamt.store.Account;
import dev.postamt.store.Flags;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One session's view of its selected mailbox: message sequence numbers, the flags it has told the
 * client, and which messages are {@code \Recent} for it. The store is the truth; {@link #sync} compares
 * and reports the difference as untagged EXPUNGE / EXISTS / RECENT / FETCH (RFC 3501 §7.3–7.4, §5.5).
 * Messages expunged elsewhere stay in the view (with their last known flags) until an EXPUNGE may be
 * sent, so sequence numbers never shift under a FETCH, STORE or SEARCH (RFC 3501 §7.4.1). With QRESYNC
 * enabled, expunges are reported as one {@code VANISHED} of UIDs instead (RFC 7162 §3.2.10.2). The view
 * also holds the SEARCHRES result ({@code $}, RFC 5182) as UIDs, so expunged messages drop out of it.
 */
final class SelectedMailbox {
  final Account account;
  final long id;
  final String name;
  final boolean readOnly;
  final long uidValidity;
  /** Whether unsolicited FETCH responses carry MODSEQ (RFC 7162 §3.2). */
  boolean condstore;
  /** Whether expunges are reported as VANISHED (RFC 7162 §3.2.10). */
  boolean qresync;
  /** The saved search result, {@code $}: empty until a SEARCH RETURN (SAVE), and on every SELECT. */
  private Set<Long> saved = Set.of();
  /** IMAP4rev2 session (RFC 9051 Appendix E items 12, 21): no \Recent / RECENT, UID in every FETCH update. */
  boolean rev2;
  private final List<Long> uids = new ArrayList<>();
  private final Map<Long, MessageRecord> records = new HashMap<>();
  private final Set<Long> recent = new HashSet<>();
  private final Set<Long> gone = new HashSet<>();
  private final Set<String> announcedKeywords = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
  private long knownModseq;
  private long uidNext;

  SelectedMailbox(Account account, MailboxInfo info, boolean readOnly) {
    this.account = account;
    this.id = info.id();
    this.name = info.name();
    this.readOnly = readOnly;
    this.uidValidity = info.uidValidity();
    Account.Snapshot s = account.snapshot(id);
    long firstRecent = readOnly || s.info().firstRecentUid() >= s.info().uidNext()
        ? s.info().firstRecentUid()
        : account.claimRecent(id, s.info().uidNext());
    for (MessageRecord m : s.messages()) {
      uids.add(m.uid());
      records.put(m.uid(), m);
      if (m.uid() >= firstRecent) {
        recent.add(m.uid());
      }
    }
    knownModseq = s.info().highestModseq();
    uidNext = s.info().uidNext();
  }

  int size() {
    return uids.size();
  }

  int recentCount() {
    return recent.size();
  }

  long uidNext() {
    return uidNext;
  }

  long highestModseq() {
    return knownModseq;
  }

  long uid(int msn) {
    return uids.get(msn - 1);
  }

  MessageRecord record(int msn) {
    return records.get(uids.get(msn - 1));
  }

  boolean isRecent(long uid) {
    return recent.contains(uid);
  }

  /** Whether the message has been expunged by another session but not yet reported. */
  boolean isGone(long uid) {
    return gone.contains(uid);
  }

  /** Sequence number of a UID in the view, or 0. */
  int msn(long uid) {
    int i = Collections.binarySearch(uids, uid);
    return i < 0 ? 0 : i + 1;
  }

  /** The flags as the client sees them: stored flags plus {@code \Recent}. */
  List<String> flags(MessageRecord m) {
    List<String> out = new ArrayList<>(m.flags());
    if (!rev2 && recent.contains(m.uid())) {
      out.add(Flags.RECENT);
    }
    return out;
  }

  /** The UIDs of the view, ascending (sequence number - 1 is the index). */
  List<Long> uids() {
    return Collections.unmodifiableList(uids);
  }

  /** RFC 5182 §2.1: a SEARCH with SAVE replaces {@code $}; a failed one empties it. */
  void save(java.util.Collection<Long> uidsFound) {
    saved = Set.copyOf(uidsFound);
  }

  List<Long> savedUids() {
    return saved.stream().sorted().toList();
  }

  boolean isSaved(long uid) {
    return saved.contains(uid);
  }

  /** Sequence numbers (ascending) selected by a message-number or UID set, or by {@code $}. */
  List<Integer> resolve(SequenceSet set, boolean byUid) throws ImapException {
    List<Integer> out = new ArrayList<>();
    if (set.saved()) {
      // "$" holds UIDs whichever command saved it, and never fails: messages gone since are skipped.
      for (int i = 0; i < uids.size(); i++) {
        if (saved.contains(uids.get(i))) {
          out.add(i + 1);
        }
      }
      return out;
    }
    if (byUid) {
      long max = uids.isEmpty() ? 0 : uids.getLast();
      for (int i = 0; i < uids.size(); i++) {
        if (set.contains(uids.get(i), max)) {
          out.add(i + 1);
        }
      }
      return out;
    }
    for (SequenceSet.Range r : set.ranges()) {
      long hi = r.hi(uids.size());
      if (hi > uids.size() || (r.lo(uids.size()) == 0)) {
        throw ImapException.bad("Invalid messageset");
      }
    }
    for (int msn = 1; msn <= uids.size(); msn++) {
      if (set.contains(msn, uids.size())) {
        out.add(msn);
      }
    }
    return out;
  }

  /**
   * RFC 7162 §3.2 and §6: while expunges are held back, the client must not take a later MODSEQ as
   * its sync point; this is the HIGHESTMODSEQ to tell it instead (just below the earliest held-back
   * expunge), or -1 when nothing is held back.
   */
  long highestModseqBeforeHeldExpunges() {
    if (gone.isEmpty()) {
      return -1;
    }
    return Math.max(1, Math.min(knownModseq, account.expungeModseq(id, gone) - 1));
  }

  /** Records a change made by this session so that {@link #sync} does not report it back. */
  void updated(MessageRecord m) {
    if (records.containsKey(m.uid())) {
      records.put(m.uid(), m);
    }
  }

  /**
   * Reports what changed in the store since the last call. {@code allowExpunge} is false while
   * sequence numbers must stay fixed; expunges are then remembered and reported later.
   */
  void sync(ResponseWriter w, boolean allowExpunge, boolean withUid) throws IOException {
    // Cheap check first: most commands change nothing, and a mailbox may hold many messages.
    account.poll(id);
    MailboxInfo now0 = account.mailbox(id).orElse(null);
    if (now0 != null && now0.highestModseq() == knownModseq && now0.uidNext() == uidNext && gone.isEmpty()) {
      return;
    }
    Account.Snapshot s = account.snapshot(id);
    Map<Long, MessageRecord> now = new HashMap<>();
    for (MessageRecord m : s.messages()) {
      now.put(m.uid(), m);
    }
    List<Long> vanished = new ArrayList<>();
    for (int i = uids.size() - 1; i >= 0; i--) {
      long uid = uids.get(i);
      if (!now.containsKey(uid)) {
        if (allowExpunge) {
          drop(i, w, vanished);
        } else {
          gone.add(uid);
        }
      }
    }
    reportVanished(vanished, w);
    for (int i = 0; i < uids.size(); i++) {
      long uid = uids.get(i);
      MessageRecord fresh = now.get(uid);
      MessageRecord old = records.get(uid);
      if (fresh != null && fresh.modseq() > old.modseq()) {
        records.put(uid, fresh);
        if (!fresh.flags().equals(old.flags()) || !String.join(" ", fresh.flags()).equals(String.join(" ", old.flags()))) {
          announce(fresh.flags(), w);
          w.untagged((i + 1) + " FETCH (" + (withUid || rev2 ? "UID " + uid + " " : "") + "FLAGS (" + String.join(" ", flags(fresh)) + ")"
              + (condstore ? " MODSEQ (" + fresh.modseq() + ")" : "") + ")");
        }
      }
    }
    long maxUid = uids.isEmpty() ? 0 : uids.getLast();
    List<MessageRecord> added = new ArrayList<>();
    for (MessageRecord m : s.messages()) {
      if (m.uid() > maxUid) {
        added.add(m);
      }
    }
    if (!added.isEmpty()) {
      long firstRecent =
          readOnly ? s.info().firstRecentUid() : account.claimRecent(id, s.info().uidNext());
      for (MessageRecord m : added) {
        uids.add(m.uid());
        records.put(m.uid(), m);
        if (m.uid() >= firstRecent) {
          recent.add(m.uid());
        }
      }
      reportKeywords(w);
      w.untagged(uids.size() + " EXISTS");
      if (!rev2) {
        w.untagged(recent.size() + " RECENT");
      }
    }
    knownModseq = s.info().highestModseq();
    uidNext = s.info().uidNext();
  }

  /** The keywords in use: listed in FLAGS so clients learn of them (RFC 3501 §7.2.6). */
  private Set<String> keywords() {
    Set<String> k = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (MessageRecord m : records.values()) {
      for (String f : m.flags()) {
        if (!f.startsWith("\\")) {
          k.add(f);
        }
      }
    }
    return k;
  }

  /** The FLAGS and PERMANENTFLAGS responses of SELECT. */
  void writeFlags(ResponseWriter w) throws IOException {
    announcedKeywords.addAll(keywords());
    String kw = announcedKeywords.isEmpty() ? "" : " " + String.join(" ", announcedKeywords);
    w.untagged("FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft" + kw + ")");
    if (readOnly) {
      w.untagged("OK [PERMANENTFLAGS ()] Read-only mailbox");
    } else {
      w.untagged("OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft" + kw + " \\*)] Flags permitted");
    }
  }

  /**
   * Sends FLAGS (with every keyword in use) before a response that shows one of {@code flags} the
   * client has not been told about yet: RFC 3501 §7.2.6, and imaptest checks it.
   */
  void announce(java.util.Collection<String> flags, ResponseWriter w) throws IOException {
    for (String f : flags) {
      if (!f.startsWith("\\") && !announcedKeywords.contains(f)) {
        announcedKeywords.addAll(flags.stream().filter(k -> !k.startsWith("\\")).toList());
        writeFlags(w);
        return;
      }
    }
  }

  /** Sends FLAGS again when a message got a keyword the client has not been told about. */
  void reportKeywords(ResponseWriter w) throws IOException {
    Set<String> now = keywords();
    if (!announcedKeywords.containsAll(now)) {
      writeFlags(w);
    }
  }

  /** After this session's EXPUNGE: drops the UIDs and reports them, highest sequence number first. */
  void expunged(List<Long> removed, ResponseWriter w) throws IOException {
    Set<Long> r = new HashSet<>(removed);
    List<Long> vanished = new ArrayList<>();
    for (int i = uids.size() - 1; i >= 0; i--) {
      if (r.contains(uids.get(i))) {
        drop(i, w, vanished);
      }
    }
    reportVanished(vanished, w);
  }

  /** Removes the message at index {@code i}; reports EXPUNGE now, or collects its UID for VANISHED. */
  private void drop(int i, ResponseWriter w, List<Long> vanished) throws IOException {
    long uid = uids.remove(i);
    records.remove(uid);
    recent.remove(uid);
    gone.remove(uid);
    if (qresync) {
      vanished.add(uid);
    } else {
      w.untagged((i + 1) + " EXPUNGE");
    }
  }

  /** One VANISHED (without EARLIER) for UIDs the client was shown, as RFC 7162 §3.2.10.2 requires. */
  private static void reportVanished(List<Long> vanished, ResponseWriter w) throws IOException {
    if (!vanished.isEmpty()) {
      vanished.sort(null);
      w.untagged("VANISHED " + SequenceSet.format(vanished));
    }
  }
}
