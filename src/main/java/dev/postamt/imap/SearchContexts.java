package dev.postamt.imap;

import dev.postamt.search.SubstringAnswers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live search and sort results of one selected mailbox: CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267 §4).
 * A SEARCH, UID SEARCH, SORT or UID SORT with the return option {@code UPDATE} leaves its result here,
 * and while the mailbox stays selected every change of the view ({@link SelectedMailbox}: messages
 * arriving, flags changing so that they now match or no longer do, expunges) is told as an unsolicited
 * {@code * ESEARCH (TAG "t") [UID] REMOVEFROM (pos set) ADDTO (pos set)} (§4.3.2–§4.3.4).
 *
 * <p>Rules kept here:
 *
 * <ul>
 *   <li>The sets are UIDs after a UID command and message numbers otherwise (§4.3.2); a REMOVEFROM
 *       of expunged messages goes out before their EXPUNGEs (so the numbers are still valid), an ADDTO
 *       of new messages after their EXISTS (§4.3.3, §4.3.4): {@link #beforeExpunge} and {@link
 *       #afterChange} are called by the view at exactly those points.
 *   <li>A SEARCH context reports at position 0, the set in mailbox order (§4.3.3: "MAY be zero"); a
 *       SORT context reports the real positions in sort order, each pair to be applied in turn
 *       (§4.3.2: "the client MUST process ADDTO and REMOVEFROM return data items in the order they
 *       appear"). Sort keys are fixed per message (header fields, arrival, size), so the messages that
 *       stay keep their order and a change is only ever removals and insertions.
 *   <li>UPDATE has no interaction with the other return options (§4.1, §4.4; RFC 9394 §3.1): with
 *       {@code PARTIAL} or {@code MIN} the updates are still about the whole result.
 *   <li>A tag already naming a live context is BAD (§4.3); beyond {@link #MAX_LIVE} contexts the
 *       command still answers, with an untagged {@code NO [NOUPDATE "tag"]} (§4.3.1: "at least one
 *       updating context per client").
 *   <li>{@code CANCELUPDATE "tag" ...} ends contexts (§4.3.5); leaving the mailbox ends all of them,
 *       since they live in its view.
 * </ul>
 *
 * <p>The updates go out wherever the view reports changes: after each command, in IDLE, and between
 * commands under NOTIFY (RFC 5465, which updates RFC 5267): an ESEARCH update always follows the EXISTS
 * and precedes the EXPUNGE it belongs with. A result is recomputed only when the view changed since the
 * last look, with SEARCH's own matcher (and the full-text index where it answers).
 */
final class SearchContexts {
  private static final Logger log = LoggerFactory.getLogger(SearchContexts.class);

  static final List<String> CAPABILITIES = List.of("CONTEXT=SEARCH", "CONTEXT=SORT");

  /** Live contexts per session (one mailbox is selected at a time); Dovecot keeps 10 as well. */
  static final int MAX_LIVE = 10;

  /** One live result; {@code sort} null for a SEARCH; {@code result} UIDs in context order. */
  private static final class Live {
    final String tag;
    final boolean uid;
    final SearchKey key;
    final List<SortCommands.Criterion> sort;
    /** Whether the key depends on more than the message itself, so every message is looked at again. */
    final boolean whole;
    List<Long> result;
    /** The highest MODSEQ and UID of the view when the result was computed: older messages kept theirs. */
    long seenModseq;
    long seenUid;

    Live(String tag, boolean uid, SearchKey key, List<SortCommands.Criterion> sort, List<Long> result) {
      this.tag = tag;
      this.uid = uid;
      this.key = key;
      this.sort = sort;
      this.whole = dependsOnMore(key);
      this.result = result;
    }
  }

  private final SelectedMailbox sel;
  private final List<Live> live = new ArrayList<>();
  /** The view's {@link SelectedMailbox#version()} the results were last computed for. */
  private long seenVersion;

  SearchContexts(SelectedMailbox sel) {
    this.sel = sel;
    this.seenVersion = sel.version();
  }

  // ---- the searching commands and CANCELUPDATE --------------------------------------------------------

  /** RFC 5267 §4.3: UPDATE with the tag of a live context "SHALL result in ... a BAD response". */
  void checkTag(String tag) throws ImapException {
    if (find(tag) != null) {
      throw ImapException.bad("Tag reuse: " + ImapLexer.printable(tag) + " already names a live search result");
    }
  }

  /**
   * Keeps the result of a searching command with UPDATE live: {@code result} the UIDs in the order the
   * command returned them (mailbox order for SEARCH, sort order for SORT). Beyond {@link #MAX_LIVE}
   * live contexts an untagged {@code NO [NOUPDATE "tag"]} says so and nothing is kept (§4.3.1).
   */
  void add(String tag, boolean uid, SearchKey key, List<SortCommands.Criterion> sort, List<Long> result,
      ResponseWriter w) throws IOException {
    if (live.size() >= MAX_LIVE) {
      w.untagged("NO [NOUPDATE " + ResponseWriter.quote(tag) + "] Too many live search results (at most "
          + MAX_LIVE + "); CANCELUPDATE one first");
      return;
    }
    Live l = new Live(tag, uid, key, sort == null ? null : List.copyOf(sort), new ArrayList<>(result));
    seen(l);
    live.add(l);
    seenVersion = sel.version();
  }

  /** Notes how far the view was looked at for {@code l}. */
  private void seen(Live l) {
    long modseq = 0;
    for (int msn = 1; msn <= sel.size(); msn++) {
      modseq = Math.max(modseq, sel.record(msn).modseq());
    }
    l.seenModseq = modseq;
    l.seenUid = sel.size() == 0 ? 0 : sel.uid(sel.size());
  }

  /**
   * Whether a key's answer for a message can change without the message changing: message numbers
   * (they shift on expunge), {@code $}, {@code *} in a UID set (the last message) and WITHIN (time).
   */
  static boolean dependsOnMore(SearchKey k) {
    return switch (k) {
      case SearchKey.Sequence q -> true;
      case SearchKey.Within w -> true;
      case SearchKey.And a -> a.keys().stream().anyMatch(SearchContexts::dependsOnMore);
      case SearchKey.Or o -> dependsOnMore(o.a()) || dependsOnMore(o.b());
      case SearchKey.Not n -> dependsOnMore(n.key());
      default -> false;
    };
  }

  /** {@code CANCELUPDATE} (RFC 5267 §4.3.5): every tag must name a live context, else NO and none ends. */
  String cancel(Command.CancelUpdate c) throws ImapException {
    for (String tag : c.tags()) {
      if (find(tag) == null) {
        throw ImapException.no("NONEXISTENT", "No live search result has the tag " + ImapLexer.printable(tag));
      }
    }
    for (String tag : c.tags()) {
      live.remove(find(tag));
    }
    return "CANCELUPDATE completed";
  }

  /** {@code cancelupdate = "CANCELUPDATE" 1*(SP quoted)} (RFC 5267 §5); an atom is taken too. */
  static Command parseCancel(CommandParser p) throws ImapException {
    List<String> tags = new ArrayList<>();
    do {
      p.sp();
      tags.add(p.astring());
    } while (p.peek() == ' ');
    return new Command.CancelUpdate(List.copyOf(tags));
  }

  private Live find(String tag) {
    for (Live l : live) {
      if (l.tag.equals(tag)) {
        return l;
      }
    }
    return null;
  }

  // ---- the view's hooks ---------------------------------------------------------------------------------

  /**
   * The view is about to report {@code expunged} as EXPUNGE or VANISHED: each context holding one of
   * them tells REMOVEFROM now, while their message numbers are still valid (RFC 5267 §4.3.4).
   */
  void beforeExpunge(Collection<Long> expunged, ResponseWriter w) throws IOException {
    if (live.isEmpty() || expunged.isEmpty()) {
      return;
    }
    Set<Long> out = new HashSet<>(expunged);
    for (Live l : live) {
      if (l.result.stream().anyMatch(out::contains)) {
        List<Long> after = new ArrayList<>(l.result);
        after.removeIf(out::contains);
        report(l, after, w);
      }
    }
  }

  /**
   * The view changed (new messages after their EXISTS, flags, expunges already told): each context is
   * computed again and the difference told (RFC 5267 §4.3.3, §4.3.4).
   */
  void afterChange(ResponseWriter w) throws IOException {
    long version = sel.version();
    if (live.isEmpty() || version == seenVersion) {
      return;
    }
    seenVersion = version;
    for (Live l : live) {
      List<Long> now;
      try {
        now = evaluate(l);
        seen(l);
      } catch (RuntimeException e) {
        log.debug("search context {}: {}", l.tag, e.toString()); // keep the old result; the next change retries
        continue;
      }
      report(l, now, w);
    }
  }

  /**
   * The context's result in the present view: SEARCH's matcher, SORT's order. Only messages that are
   * new or changed (a MODSEQ above the last look; RFC 7162 gives every change a higher one) are matched
   * again, unless the key depends on more than the message ({@link #dependsOnMore}).
   */
  private List<Long> evaluate(Live l) throws IOException {
    List<Integer> hits = new ArrayList<>();
    Set<Long> had = new HashSet<>(l.result);
    SubstringAnswers indexed = null;
    for (int msn = 1; msn <= sel.size(); msn++) {
      dev.postamt.store.MessageRecord r = sel.record(msn);
      boolean in;
      if (!l.whole && r.modseq() <= l.seenModseq && r.uid() <= l.seenUid) {
        in = had.contains(r.uid());
      } else {
        if (indexed == null) {
          indexed = IndexedSearch.answers(sel, l.key); // asked once, and only when a message needs it
        }
        in = new SearchMatcher(sel, msn, r, indexed).matches(l.key);
      }
      if (in) {
        hits.add(msn);
      }
    }
    if (l.sort != null) {
      hits = SortCommands.order(sel, l.sort, hits, null);
    }
    List<Long> uids = new ArrayList<>(hits.size());
    for (int msn : hits) {
      uids.add(sel.uid(msn));
    }
    return uids;
  }

  // ---- the wire form ------------------------------------------------------------------------------------

  /** Tells how {@code l.result} becomes {@code after}, if it changed, and takes it as the new result. */
  private void report(Live l, List<Long> after, ResponseWriter w) throws IOException {
    String data = difference(l.result, after, l.sort == null, uid -> l.uid ? uid : sel.msn(uid));
    l.result = after;
    if (!data.isEmpty()) {
      w.untagged("ESEARCH (TAG " + ResponseWriter.quote(l.tag) + ")" + (l.uid ? " UID" : "") + data);
    }
  }

  /** How a UID is shown: itself, or its message number (0 when the view no longer has it). */
  @FunctionalInterface
  interface Numbering {
    long of(long uid);
  }

  /**
   * The return data that turns {@code before} into {@code after}: {@code " REMOVEFROM (…)"} and then
   * {@code " ADDTO (…)"}, each a list of (context position, set) pairs to apply in turn, or "" when
   * nothing changed. With {@code unordered} (a SEARCH) every pair has position 0 and one set in mailbox
   * order; else removals are runs of consecutive positions counted in the list as each earlier run left
   * it, and insertions runs at their final positions (RFC 5267 §4.3.3, §4.3.4). A message the
   * numbering cannot show (0) is left out.
   */
  static String difference(List<Long> before, List<Long> after, boolean unordered, Numbering n) {
    Set<Long> stays = new HashSet<>(after);
    Set<Long> was = new HashSet<>(before);
    StringBuilder b = new StringBuilder();
    List<String> removals = pairs(before, stays, unordered, false, n);
    if (!removals.isEmpty()) {
      b.append(" REMOVEFROM (").append(String.join(" ", removals)).append(')');
    }
    List<String> additions = pairs(after, was, unordered, true, n);
    if (!additions.isEmpty()) {
      b.append(" ADDTO (").append(String.join(" ", additions)).append(')');
    }
    return b.toString();
  }

  /**
   * The runs of {@code list} not in {@code kept}, as "position set" pairs, each position as the list
   * stands when the client comes to that pair: for removals the kept members before the run (the
   * earlier runs are gone by then), for insertions every member before it (the earlier runs are in).
   */
  private static List<String> pairs(List<Long> list, Set<Long> kept, boolean unordered, boolean inserting,
      Numbering n) {
    List<String> out = new ArrayList<>();
    if (unordered) {
      List<Long> changed = new ArrayList<>();
      for (long uid : list) {
        long shown = n.of(uid);
        if (!kept.contains(uid) && shown > 0) {
          changed.add(shown);
        }
      }
      if (!changed.isEmpty()) {
        changed.sort(null);
        out.add("0 " + SequenceSet.format(changed));
      }
      return out;
    }
    int pos = 1; // 1-based position of the next member in the list as the client has it
    int runStart = 0;
    List<Long> run = new ArrayList<>();
    for (long uid : list) {
      if (kept.contains(uid)) {
        if (!run.isEmpty()) {
          out.add(runStart + " " + SequenceSet.format(run));
          run = new ArrayList<>();
        }
        pos++;
        continue;
      }
      long shown = n.of(uid);
      if (shown <= 0) {
        continue;
      }
      if (run.isEmpty()) {
        runStart = pos;
      }
      run.add(shown);
      if (inserting) {
        pos++;
      }
    }
    if (!run.isEmpty()) {
      out.add(runStart + " " + SequenceSet.format(run));
    }
    return out;
  }
}
