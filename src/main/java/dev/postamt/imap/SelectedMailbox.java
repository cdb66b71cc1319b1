package dev.postamt.imap;

import dev.postamt.store.Account;
import dev.postamt.store.Flags;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One session's view of its selected mailbox: message sequence numbers, the flags it has told the
 * client, and which messages are {@code \Recent} for it. The store is the truth; {@link #sync} compares
 * and reports the difference as untagged EXPUNGE / EXISTS / RECENT / FETCH (RFC 3501 §7.3–7.4, §5.5).
 * Messages expunged elsewhere stay in the view (with their last known flags) until an EXPUNGE may be
 * sent, so sequence numbers never shift under a FETCH, STORE or SEARCH (RFC 3501 §7.4.1). With QRESYNC
 * enabled, expunges are reported as one {@code VANISHED} of UIDs instead (RFC 7162 §3.2.10.2). The view
 * also holds the SEARCHRES result ({@code $}, RFC 5182) as UIDs, so expunged messages drop out of it.
 *
 * <p>Memory: while the view is in step with the store, it is the very (immutable) message list that
 * the {@link Account} shares with every session of the mailbox; a session copies it only while it
 * differs (own STORE not yet synced, expunges it may not report yet). Thousands of sessions idling on
 * one mailbox so hold one list between them, not one each.
 */
final class SelectedMailbox {
  final Account account;
  final long id;
  final String name;
  final boolean readOnly;
  final long uidValidity;
  /** The session user's RFC 4314 rights here (all in their own mailboxes), set by SELECT. */
  dev.postamt.store.Rights rights = dev.postamt.store.Rights.ALL;
  /** Whether unsolicited FETCH responses carry MODSEQ (RFC 7162 §3.2). */
  boolean condstore;
  /** Whether expunges are reported as VANISHED (RFC 7162 §3.2.10). */
  boolean qresync;
  /** RFC 9586 §3: UIDFETCH instead of FETCH, VANISHED instead of EXPUNGE. */
  boolean uidOnly;
  /** The saved search result, {@code $}: empty until a SEARCH RETURN (SAVE), and on every SELECT. */
  private Set<Long> saved = Set.of();
  /** Off while NOTIFY reports for a client that did not ask for FlagChange (RFC 5465 §5.3). */
  boolean tellFlags = true;
  /** IMAP4rev2 session (RFC 9051 Appendix E items 12, 21): no \Recent / RECENT, UID in every FETCH update. */
  boolean rev2;
  /** The messages in sequence-number order (= UID order); shared until {@link #mutable} copies it. */
  private List<MessageRecord> view;
  private final Set<Long> recent = new HashSet<>();
  private final Set<Long> gone = new HashSet<>();
  private final Set<String> announcedKeywords = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
  private long knownModseq;
  private long uidNext;
  /** The mailbox row as last read (its folder name opens messages); refreshed with every snapshot. */
  private MailboxInfo info;
  /** Counts the changes of the view, so that live search results are computed again only after one. */
  private long version;
  /** {@link #keywords()} as last computed, for the view (identity) and {@link #version} it was computed from. */
  private Set<String> keywords;
  private List<MessageRecord> keywordsOf;
  private long keywordsVersion;
  /** The live SEARCH/SORT results (RFC 5267 §4), made by the first UPDATE; they end with the view. */
  private SearchContexts contexts;

  SelectedMailbox(Account account, MailboxInfo info, boolean readOnly) {
    this.account = account;
    this.id = info.id();
    this.name = info.name();
    this.readOnly = readOnly;
    this.uidValidity = info.uidValidity();
    Account.Snapshot s = account.snapshot(id);
    List<MessageRecord> messages = s.messages();
    // A claim is a write; when no message is at or above the first \Recent UID (all that came since the
    // last claim are expunged already), it would change nothing anyone sees: the next claim covers the range.
    boolean unclaimed = !messages.isEmpty() && messages.getLast().uid() >= s.info().firstRecentUid();
    long firstRecent = readOnly || !unclaimed
        ? s.info().firstRecentUid()
        : account.claimRecent(id, s.info().uidNext());
    view = messages;
    for (MessageRecord m : view) {
      if (m.uid() >= firstRecent) {
        recent.add(m.uid());
      }
    }
    knownModseq = s.info().highestModseq();
    uidNext = s.info().uidNext();
    this.info = s.info();
  }

  int size() {
    return view.size();
  }

  long version() {
    return version;
  }

  /** The live search results of this view, made on first use. */
  SearchContexts contexts() {
    if (contexts == null) {
      contexts = new SearchContexts(this);
    }
    return contexts;
  }

  /** After a report of changes: live search results follow (RFC 5267 §4.3.3, after EXISTS). */
  private void updateContexts(ResponseWriter w) throws IOException {
    if (contexts != null) {
      contexts.afterChange(w);
    }
  }

  /** Before EXPUNGE or VANISHED goes out: live results drop the messages while their numbers hold (§4.3.4). */
  private void expunging(java.util.Collection<Long> uids, ResponseWriter w) throws IOException {
    if (contexts != null) {
      contexts.beforeExpunge(uids, w);
    }
  }

  /**
   * A message's content for FETCH and SEARCH; empty when it was expunged meanwhile. The caller closes it.
   * Opened under the mailbox row as last read; only when that finds nothing is the row read again (the
   * mailbox may have been renamed meanwhile).
   */
  java.util.Optional<MessageContent> open(MessageRecord rec) {
    java.util.Optional<MessageContent> c = account.open(info, rec);
    if (c.isPresent()) {
      return c;
    }
    MailboxInfo now = account.mailbox(id).orElse(null);
    if (now == null || now.name().equals(info.name())) {
      return java.util.Optional.empty();
    }
    info = now;
    return account.open(now, rec);
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
    return view.get(msn - 1).uid();
  }

  MessageRecord record(int msn) {
    return view.get(msn - 1);
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
    int i = indexOf(view, uid);
    return i < 0 ? 0 : i + 1;
  }

  /** Index of a UID in a list in UID order, or a negative number. */
  private static int indexOf(List<MessageRecord> list, long uid) {
    int lo = 0;
    int hi = list.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long u = list.get(mid).uid();
      if (u < uid) {
        lo = mid + 1;
      } else if (u > uid) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /** The view as a list of this session's own, before it changes it. */
  private List<MessageRecord> mutable() {
    if (!(view instanceof ArrayList)) {
      view = new ArrayList<>(view);
    }
    return view;
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
    List<Long> out = new ArrayList<>(view.size());
    for (MessageRecord m : view) {
      out.add(m.uid());
    }
    return out;
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
      for (int i = 0; i < view.size(); i++) {
        if (saved.contains(view.get(i).uid())) {
          out.add(i + 1);
        }
      }
      return out;
    }
    if (byUid) {
      long max = view.isEmpty() ? 0 : view.getLast().uid();
      for (int i = 0; i < view.size(); i++) {
        if (set.contains(view.get(i).uid(), max)) {
          out.add(i + 1);
        }
      }
      return out;
    }
    int n = view.size();
    for (SequenceSet.Range r : set.ranges()) {
      long hi = r.hi(n);
      if (hi > n || (r.lo(n) == 0)) {
        throw ImapException.bad("Invalid messageset");
      }
    }
    for (int msn = 1; msn <= n; msn++) {
      if (set.contains(msn, n)) {
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
    int i = indexOf(view, m.uid());
    if (i >= 0) {
      mutable().set(i, m);
      version++;
    }
  }

  /**
   * Reports what changed in the store since the last call. {@code allowExpunge} is false while
   * sequence numbers must stay fixed; expunges are then remembered and reported later.
   */
  void sync(ResponseWriter w, boolean allowExpunge, boolean withUid) throws IOException {
    // Cheap check first: most commands change nothing, and a mailbox may hold many messages. Where the
    // store knows nothing changed since it last read the mailbox (PostgreSQL), it answers without a read.
    Account.Snapshot known = account.knownSnapshot(id).orElse(null);
    MailboxInfo now0;
    if (known != null) {
      now0 = known.info();
    } else {
      account.poll(id);
      now0 = account.mailbox(id).orElse(null);
    }
    if (now0 != null && now0.highestModseq() == knownModseq && now0.uidNext() == uidNext && gone.isEmpty()) {
      updateContexts(w); // this session's own STORE changed the view without changing what the store says
      return;
    }
    version++;
    Account.Snapshot s = known != null ? known : account.snapshot(id);
    info = s.info();
    List<MessageRecord> now = s.messages();
    // Both lists are in UID order: pair each message of the view with its fresh record, or null.
    int n = view.size();
    MessageRecord[] fresh = new MessageRecord[n];
    for (int i = 0, j = 0; i < n; i++) {
      long uid = view.get(i).uid();
      while (j < now.size() && now.get(j).uid() < uid) {
        j++;
      }
      if (j < now.size() && now.get(j).uid() == uid) {
        fresh[i] = now.get(j);
      }
    }
    if (allowExpunge && contexts != null) {
      List<Long> expunged = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (fresh[i] == null) {
          expunged.add(view.get(i).uid());
        }
      }
      expunging(expunged, w);
    }
    List<Long> vanished = new ArrayList<>();
    for (int i = n - 1; i >= 0; i--) {
      if (fresh[i] == null) {
        long uid = view.get(i).uid();
        if (allowExpunge) {
          forget(i, uid, w, vanished); // the view itself is rebuilt below, without it
        } else {
          gone.add(uid);
        }
      }
    }
    reportVanished(vanished, w);
    List<MessageRecord> next = new ArrayList<>(Math.max(n, now.size()));
    for (int i = 0; i < n; i++) {
      MessageRecord old = view.get(i);
      MessageRecord f = fresh[i];
      if (f == null) {
        if (!allowExpunge) {
          next.add(old);
        }
      } else if (f.modseq() < old.modseq()) {
        next.add(old);
      } else {
        next.add(f); // the shared record, also when unchanged, so that the view can be the shared list
        if (tellFlags && f.modseq() > old.modseq()
            && (!f.flags().equals(old.flags()) || !String.join(" ", f.flags()).equals(String.join(" ", old.flags())))) {
          announce(f.flags(), w);
          w.untagged(UidOnly.fetchHead(next.size(), f.uid(), uidOnly) + (!uidOnly && (withUid || rev2) ? "UID " + f.uid() + " " : "") + "FLAGS (" + String.join(" ", flags(f)) + ")"
              + (condstore ? " MODSEQ (" + f.modseq() + ")" : "") + ")");
        }
      }
    }
    long maxUid = next.isEmpty() ? 0 : next.getLast().uid();
    int firstAdded = now.size();
    while (firstAdded > 0 && now.get(firstAdded - 1).uid() > maxUid) {
      firstAdded--;
    }
    if (firstAdded < now.size()) {
      long firstRecent =
          readOnly ? s.info().firstRecentUid() : account.claimRecent(id, s.info().uidNext());
      for (MessageRecord m : now.subList(firstAdded, now.size())) {
        next.add(m);
        if (m.uid() >= firstRecent) {
          recent.add(m.uid());
        }
      }
    }
    view = sameElements(next, now) ? now : next;
    if (firstAdded < now.size()) {
      reportKeywords(w);
      w.untagged(view.size() + " EXISTS");
      if (!rev2) {
        w.untagged(recent.size() + " RECENT");
      }
    }
    knownModseq = s.info().highestModseq();
    uidNext = s.info().uidNext();
    updateContexts(w);
  }

  /**
   * The keywords in use: listed in FLAGS so clients learn of them (RFC 3501 §7.2.6). Read-only; kept
   * until the view changes (every command asks, and walking every message's flags each time was ~15 % of
   * an IMAP op's CPU in bench/pg-nodes' mix).
   */
  private Set<String> keywords() {
    if (keywords != null && keywordsOf == view && keywordsVersion == version) {
      return keywords;
    }
    Set<String> k = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (MessageRecord m : view) {
      for (String f : m.flags()) {
        if (!f.startsWith("\\")) {
          k.add(f);
        }
      }
    }
    keywords = java.util.Collections.unmodifiableSet(k);
    keywordsOf = view;
    keywordsVersion = version;
    return keywords;
  }

  /** Whether setting {@code flags} keeps the mailbox within its keyword limit (RFC 3501 §7.1: no \\*). */
  boolean hasRoomForKeywords(List<String> flags) {
    Set<String> k = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    k.addAll(keywords());
    flags.stream().filter(f -> !f.startsWith("\\")).forEach(k::add);
    return k.size() <= MessageCommands.MAX_KEYWORDS_PER_MAILBOX;
  }

  /**
   * The FLAGS and PERMANENTFLAGS responses of SELECT; {@code \*} (new keywords may be made) only while
   * the mailbox is below its keyword limit.
   */
  void writeFlags(ResponseWriter w) throws IOException {
    announcedKeywords.addAll(keywords());
    String kw = announcedKeywords.isEmpty() ? "" : " " + String.join(" ", announcedKeywords);
    w.untagged("FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft" + kw + ")");
    if (readOnly) {
      w.untagged("OK [PERMANENTFLAGS ()] Read-only mailbox");
    } else {
      String more = keywords().size() < MessageCommands.MAX_KEYWORDS_PER_MAILBOX ? " \\*" : "";
      w.untagged("OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft" + kw + more + ")] Flags permitted");
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
    expunging(r, w);
    version++;
    List<Long> vanished = new ArrayList<>();
    for (int i = view.size() - 1; i >= 0; i--) {
      long uid = view.get(i).uid();
      if (r.contains(uid)) {
        mutable().remove(i);
        forget(i, uid, w, vanished);
      }
    }
    reportVanished(vanished, w);
  }

  /**
   * Forgets the expunged message that was at index {@code i} (the caller takes it out of the view);
   * reports EXPUNGE now, or collects its UID for VANISHED.
   */
  private void forget(int i, long uid, ResponseWriter w, List<Long> vanished) throws IOException {
    recent.remove(uid);
    gone.remove(uid);
    if (qresync || uidOnly) {
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

  private static boolean sameElements(List<MessageRecord> a, List<MessageRecord> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }
}
