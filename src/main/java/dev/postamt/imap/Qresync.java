package dev.postamt.imap;

import dev.postamt.imap.Command.QresyncParams;
import dev.postamt.store.MessageRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Quick resynchronisation (RFC 7162 §3.2): the {@code VANISHED (EARLIER)} and FETCH responses with
 * which SELECT/EXAMINE {@code (QRESYNC ...)} and {@code UID FETCH ... (CHANGEDSINCE n VANISHED)} tell
 * a client what happened since the MODSEQ it knew. Expunged UIDs come from the store's expunge history;
 * when the client's MODSEQ is older than that history, every absent UID of the client's range is
 * reported (§3.2.6 allows it), narrowed by the sequence match data of §3.2.5.2 when given.
 */
final class Qresync {
  private Qresync() {}

  /** After the usual SELECT responses, when the client's UIDVALIDITY matches (RFC 7162 §3.2.5.1). */
  static void resync(SelectedMailbox sel, QresyncParams p, ResponseWriter w) throws IOException {
    // Without known UIDs the client is taken to know 1:<UIDNEXT-1>.
    List<long[]> scope = p.knownUids().map(k -> ranges(k, 0)).orElseGet(() -> List.of(new long[] {1, Long.MAX_VALUE}));
    long above = p.matchSeqs().isPresent() ? matchedUid(sel, p.matchSeqs().get(), p.matchUids().orElseThrow()) : 0;
    reportVanished(sel, scope, p.modseq(), above, w);
    for (int msn = 1; msn <= sel.size(); msn++) {
      MessageRecord r = sel.record(msn);
      if (r.modseq() > p.modseq() && (p.knownUids().isEmpty() || p.knownUids().get().contains(r.uid(), 0))) {
        w.untagged(UidOnly.fetchHead(msn, r.uid(), sel.uidOnly) + (sel.uidOnly ? "" : "UID " + r.uid() + " ") + "FLAGS (" + String.join(" ", sel.flags(r)) + ") MODSEQ ("
            + r.modseq() + "))");
      }
    }
  }

  /** The VANISHED (EARLIER) part of {@code UID FETCH set (CHANGEDSINCE n VANISHED)} (RFC 7162 §3.2.6). */
  static void fetchVanished(SelectedMailbox sel, SequenceSet set, long changedSince, ResponseWriter w)
      throws IOException {
    List<long[]> scope;
    if (set.saved()) {
      scope = new ArrayList<>();
      for (long uid : sel.savedUids()) {
        scope.add(new long[] {uid, uid});
      }
    } else {
      // "*" reaches to the last UID given out, so that expunges above the last message count too.
      scope = ranges(set, Math.max(1, sel.uidNext() - 1));
    }
    reportVanished(sel, scope, changedSince, 0, w);
  }

  /**
   * Sends {@code VANISHED (EARLIER)} for the UIDs in {@code scope} (sorted, disjoint ranges) above
   * {@code above} that were expunged after {@code since}. UIDs still in the session's view (expunged
   * meanwhile but not yet reported) are left to the plain VANISHED that follows in due course.
   */
  private static void reportVanished(SelectedMailbox sel, List<long[]> scope, long since, long above, ResponseWriter w)
      throws IOException {
    long maxUid = sel.uidNext() - 1;
    List<long[]> bounded = new ArrayList<>();
    for (long[] r : scope) {
      long lo = Math.max(r[0], above + 1);
      long hi = Math.min(r[1], maxUid);
      if (lo <= hi) {
        bounded.add(new long[] {lo, hi});
      }
    }
    if (bounded.isEmpty()) {
      return;
    }
    Optional<List<Long>> history = sel.account.expungedSince(sel.id, since);
    List<long[]> out = history.isPresent() ? known(history.get(), bounded, sel) : absent(bounded, sel.uids());
    if (!out.isEmpty()) {
      w.untagged("VANISHED (EARLIER) " + format(out));
    }
  }

  /** Remembered expunges inside the scope. */
  private static List<long[]> known(List<Long> expunged, List<long[]> scope, SelectedMailbox sel) {
    List<long[]> out = new ArrayList<>();
    int i = 0;
    for (long uid : expunged) { // both ascending
      while (i < scope.size() && scope.get(i)[1] < uid) {
        i++;
      }
      if (i == scope.size()) {
        break;
      }
      if (uid >= scope.get(i)[0] && sel.msn(uid) == 0) {
        add(out, uid, uid);
      }
    }
    return out;
  }

  /** Every UID of the scope that has no message: the answer when the history is too short. */
  private static List<long[]> absent(List<long[]> scope, List<Long> present) {
    List<long[]> out = new ArrayList<>();
    int j = 0;
    for (long[] r : scope) {
      long cur = r[0];
      while (j < present.size() && present.get(j) < cur) {
        j++;
      }
      while (cur <= r[1]) {
        long next = j < present.size() ? present.get(j) : Long.MAX_VALUE;
        if (next > r[1]) {
          add(out, cur, r[1]);
          break;
        }
        if (next > cur) {
          add(out, cur, next - 1);
        }
        cur = next + 1;
        j++;
      }
    }
    return out;
  }

  /**
   * RFC 7162 §3.2.5.2: walks the client's (sequence number, UID) samples in order while they agree
   * with the mailbox; the client then knows every expunge up to the last UID that agreed.
   */
  static long matchedUid(SelectedMailbox sel, SequenceSet seqs, SequenceSet uids) {
    ValueIterator s = new ValueIterator(seqs);
    ValueIterator u = new ValueIterator(uids);
    long above = 0;
    long lastSeq = 0;
    while (s.hasNext() && u.hasNext()) {
      long seq = s.next();
      long uid = u.next();
      // Ascending sequence numbers within the mailbox, or the samples are of no use (and this loop stays
      // bounded by the mailbox size whatever ranges the client sends).
      if (seq <= lastSeq || seq > sel.size() || sel.uid((int) seq) != uid) {
        break;
      }
      lastSeq = seq;
      above = uid;
    }
    return above;
  }

  /** The members of a set in the order written, without expanding it. */
  private static final class ValueIterator {
    private final List<SequenceSet.Range> ranges;
    private int i;
    private long next;

    ValueIterator(SequenceSet set) {
      this.ranges = set.ranges();
      if (!ranges.isEmpty()) {
        next = ranges.getFirst().lo(0);
      }
    }

    boolean hasNext() {
      return i < ranges.size();
    }

    long next() {
      long v = next;
      if (next < ranges.get(i).hi(0)) {
        next++;
      } else if (++i < ranges.size()) {
        next = ranges.get(i).lo(0);
      }
      return v;
    }
  }

  /** The ranges of a set, sorted and merged; {@code *} stands for {@code max}. */
  static List<long[]> ranges(SequenceSet set, long max) {
    List<long[]> in = new ArrayList<>();
    for (SequenceSet.Range r : set.ranges()) {
      in.add(new long[] {r.lo(max), r.hi(max)});
    }
    in.sort(Comparator.comparingLong(r -> r[0]));
    List<long[]> out = new ArrayList<>();
    for (long[] r : in) {
      add(out, r[0], r[1]);
    }
    return out;
  }

  /** Appends {@code lo:hi}, merging with the last range when they touch; input ascending by {@code lo}. */
  private static void add(List<long[]> out, long lo, long hi) {
    if (!out.isEmpty() && lo <= out.getLast()[1] + 1) {
      out.getLast()[1] = Math.max(out.getLast()[1], hi);
    } else {
      out.add(new long[] {lo, hi});
    }
  }

  static String format(List<long[]> ranges) {
    StringBuilder b = new StringBuilder();
    for (long[] r : ranges) {
      if (!b.isEmpty()) {
        b.append(',');
      }
      b.append(r[0]);
      if (r[1] > r[0]) {
        b.append(':').append(r[1]);
      }
    }
    return b.toString();
  }
}
