package dev.postamt.imap;

import dev.postamt.store.Account;
import dev.postamt.store.Flags;
import dev.postamt.store.MessageRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Commands on the messages of the selected mailbox: FETCH, STORE, SEARCH, COPY/MOVE, EXPUNGE, CLOSE
 * and UNSELECT, each with its UID form (RFC 3501 §6.4, RFC 4315, RFC 6851, RFC 4731).
 */
final class MessageCommands {
  private final ImapSession s;

  MessageCommands(ImapSession s) {
    this.s = s;
  }

  /** CLOSE (expunging silently unless read-only, RFC 3501 §6.4.2) or UNSELECT (RFC 3691). */
  String close(boolean expunge) {
    SelectedMailbox sel = s.selected;
    s.selected = null;
    s.state = State.AUTHENTICATED;
    if (expunge && !sel.readOnly && sel.rights.has('e')) { // RFC 4314 §4: CLOSE expunges only with e
      sel.account.expunge(sel.id, Optional.empty());
    }
    return expunge ? "CLOSE completed" : "UNSELECT completed";
  }

  String expunge(Command.Expunge c) throws ImapException, IOException {
    SelectedMailbox sel = writable();
    if (!sel.rights.has('e')) {
      throw ImapException.no("NOPERM", "You lack the 'e' right to expunge this mailbox");
    }
    Optional<Set<Long>> only = Optional.empty();
    if (c.uids().isPresent()) {
      Set<Long> uids = new HashSet<>();
      for (int msn : sel.resolve(c.uids().get(), true)) {
        uids.add(sel.uid(msn));
      }
      only = Optional.of(uids);
    }
    List<Long> removed = sel.account.expunge(sel.id, only);
    sel.expunged(removed, s.w);
    if (s.qresync && !removed.isEmpty()) {
      // RFC 7162 §3.2.7, §3.2.9: the new HIGHESTMODSEQ in the tagged OK, once everything before it was
      // reported (so the client may store it as its sync point).
      sel.sync(s.w, true, true);
      return "[HIGHESTMODSEQ " + sel.highestModseq() + "] EXPUNGE completed";
    }
    return "EXPUNGE completed";
  }

  String search(Command.Search c, String tag) throws ImapException, IOException {
    // RFC 4731 ESEARCH: RETURN () means ALL. RFC 9051 §6.4.4: an IMAP4rev2 client always gets
    // ESEARCH; without RETURN that is RETURN (ALL).
    List<String> opts = c.returns() == null
        ? (s.rev2 ? List.of("ALL") : null)
        : c.returns().isEmpty() ? List.of("ALL") : c.returns();
    boolean save = false;
    boolean update = false;
    if (opts != null) {
      List<String> merged = new ArrayList<>();
      for (int i = 0; i < opts.size(); i++) {
        String o = opts.get(i);
        switch (o.toUpperCase(Locale.ROOT)) {
          case "MIN", "MAX", "COUNT", "ALL" -> merged.add(o);
          case "SAVE" -> {
            save = true;
            merged.add(o);
          }
          case "CONTEXT" -> {} // RFC 5267 §4.2: a hint, which the server may ignore
          case "UPDATE" -> { // RFC 5267 §4.3: keep the result live (SearchContexts)
            if (update) {
              throw ImapException.bad("UPDATE given twice");
            }
            update = true;
          }
          case "PARTIAL" -> { // RFC 9394 §3.1: PARTIAL range, kept as one option
            if (i + 1 == opts.size()) {
              throw ImapException.bad("PARTIAL needs a range");
            }
            merged.add("PARTIAL " + PartialRange.parse(opts.get(++i)).wire());
          }
          default -> throw ImapException.bad("Unknown SEARCH RETURN option " + CommandParser.printable(o));
        }
      }
      if (merged.isEmpty() && !update) {
        merged.add("ALL"); // RETURN (CONTEXT) is RETURN (); UPDATE alone returns nothing now (Dovecot alike)
      }
      opts = merged;
    }
    if (update) {
      s.selected.contexts().checkTag(tag); // RFC 5267 §4.3: a reused tag is BAD, before any answer
    }
    try {
      return search(c, tag, opts, save, update);
    } catch (ImapException e) {
      if (save && e.status() != ImapException.Status.BAD) {
        s.selected.save(List.of()); // RFC 5182 §2.1: a SAVE that fails with NO empties "$"
      }
      throw e;
    } catch (RuntimeException e) {
      if (save) {
        s.selected.save(List.of());
      }
      throw e;
    }
  }

  private String search(Command.Search c, String tag, List<String> opts, boolean save, boolean update)
      throws ImapException, IOException {
    SelectedMailbox sel = s.selected;
    if (c.charset().isPresent()) {
      String cs = c.charset().get().toUpperCase(Locale.ROOT);
      if (!cs.equals("UTF-8") && !cs.equals("US-ASCII")) {
        throw ImapException.no("BADCHARSET (UTF-8 US-ASCII)", "Unsupported charset");
      }
    }
    boolean modseqKey = usesModseq(c.key());
    if (modseqKey) {
      s.enableCondstore();
    }
    List<Long> hits = new ArrayList<>();
    List<Long> hitUids = new ArrayList<>();
    List<Long> modseqs = new ArrayList<>();
    long maxModseq = 0;
    dev.postamt.search.SubstringAnswers indexed = IndexedSearch.answers(sel, c.key());
    Progress progress = new Progress(s, "Searching", sel.size());
    for (int msn = 1; msn <= sel.size(); msn++) {
      progress.at(msn - 1);
      MessageRecord r = sel.record(msn);
      if (new SearchMatcher(sel, msn, r, indexed).matches(c.key())) {
        hits.add(c.uid() ? r.uid() : msn);
        hitUids.add(r.uid());
        modseqs.add(r.modseq());
        maxModseq = Math.max(maxModseq, r.modseq());
      }
    }
    if (update) {
      sel.contexts().add(tag, c.uid(), c.key(), null, hitUids, s.w);
    }
    // RFC 7162 §3.1.5: a search with MODSEQ reports the highest MODSEQ of the matches.
    String modseqSuffix = modseqKey && !hits.isEmpty() ? " (MODSEQ " + maxModseq + ")" : "";
    if (opts == null) {
      StringBuilder b = new StringBuilder("SEARCH");
      for (long h : hits) {
        b.append(' ').append(h);
      }
      s.w.untagged(b + modseqSuffix);
      return "SEARCH completed";
    }
    boolean allReturned = opts.stream().anyMatch(o -> o.equalsIgnoreCase("ALL") || o.equalsIgnoreCase("COUNT"));
    boolean min = opts.stream().anyMatch(o -> o.equalsIgnoreCase("MIN"));
    boolean max = opts.stream().anyMatch(o -> o.equalsIgnoreCase("MAX"));
    PartialRange partial = null;
    for (String o : opts) {
      if (o.startsWith("PARTIAL ")) {
        partial = PartialRange.parse(o.substring(8));
      }
    }
    if (save) {
      // RFC 5182 §2.4: with only MIN and/or MAX beside SAVE, "$" holds just those messages.
      List<Long> keep = hitUids;
      if (!allReturned && partial != null) {
        keep = partial.slice(hitUids); // as with MIN and MAX: "$" holds what is returned
      } else if (!allReturned && (min || max) && !hitUids.isEmpty()) {
        keep = new ArrayList<>();
        if (min) {
          keep.add(hitUids.getFirst());
        }
        if (max) {
          keep.add(hitUids.getLast());
        }
      }
      sel.save(keep);
      if (opts.stream().allMatch(o -> o.equalsIgnoreCase("SAVE"))) {
        return "SEARCH completed, result saved"; // RFC 5182 §1: SAVE alone suppresses the response
      }
    }
    // RFC 7162 §3.1.5 with ESEARCH: MODSEQ is the highest of the messages actually returned, so with
    // only MIN and/or MAX it is that of those messages.
    if (!allReturned && !hits.isEmpty()) {
      maxModseq = 0;
      if (min) {
        maxModseq = modseqs.getFirst();
      }
      if (max) {
        maxModseq = Math.max(maxModseq, modseqs.getLast());
      }
      if (partial != null) {
        for (long m : partial.slice(modseqs)) {
          maxModseq = Math.max(maxModseq, m);
        }
      }
    }
    StringBuilder b = new StringBuilder("ESEARCH (TAG " + ResponseWriter.quote(tag) + ")");
    if (c.uid()) {
      b.append(" UID");
    }
    for (String o : opts) {
      switch (o.toUpperCase(Locale.ROOT)) {
        case "MIN" -> {
          if (!hits.isEmpty()) {
            b.append(" MIN ").append(hits.getFirst());
          }
        }
        case "MAX" -> {
          if (!hits.isEmpty()) {
            b.append(" MAX ").append(hits.getLast());
          }
        }
        case "COUNT" -> b.append(" COUNT ").append(hits.size());
        case "ALL" -> {
          if (!hits.isEmpty()) {
            b.append(" ALL ").append(SequenceSet.format(hits));
          }
        }
        default -> {
          if (o.startsWith("PARTIAL ")) {
            b.append(' ').append(partial.answer(partial.slice(hits)));
          } // else SAVE
        }
      }
    }
    if (modseqKey && !hits.isEmpty()) {
      b.append(" MODSEQ ").append(maxModseq);
    }
    s.w.untagged(b.toString());
    return "SEARCH completed";
  }

  private static boolean usesModseq(SearchKey k) {
    return switch (k) {
      case SearchKey.ModSeq m -> true;
      case SearchKey.And a -> a.keys().stream().anyMatch(MessageCommands::usesModseq);
      case SearchKey.Or o -> usesModseq(o.a()) || usesModseq(o.b());
      case SearchKey.Not n -> usesModseq(n.key());
      default -> false;
    };
  }

  String fetch(Command.Fetch c) throws ImapException, IOException {
    SelectedMailbox sel = s.selected;
    List<Integer> msns = sel.resolve(c.set(), c.uid());
    if (c.changedSince() >= 0 || c.attrs().contains(new FetchAttr.Simple(FetchAttr.Kind.MODSEQ))) {
      s.enableCondstore();
    }
    if (c.vanished()) {
      if (!s.qresync) {
        throw ImapException.bad("VANISHED needs ENABLE QRESYNC first"); // RFC 7162 §3.2.6
      }
      Qresync.fetchVanished(sel, c.set(), c.changedSince(), s.w);
    }
    if (c.changedSince() >= 0) {
      msns = msns.stream().filter(msn -> sel.record(msn).modseq() > c.changedSince()).toList();
    }
    if (c.partial() != null) {
      msns = c.partial().slice(msns); // RFC 9394 §3.2: the page of the messages the set (and CHANGEDSINCE) chose
    }
    Set<Long> seenNow = new HashSet<>();
    if (!sel.readOnly && sel.rights.has('s') && FetchResponder.setsSeen(c.attrs())) {
      List<Long> unseen = new ArrayList<>();
      for (int msn : msns) {
        MessageRecord r = sel.record(msn);
        if (!r.has(Flags.SEEN) && !sel.isGone(r.uid())) {
          unseen.add(r.uid());
        }
      }
      if (!unseen.isEmpty()) {
        for (MessageRecord r : sel.account.store(sel.id, unseen, Account.FlagMode.ADD, List.of(Flags.SEEN))) {
          sel.updated(r);
          seenNow.add(r.uid());
        }
      }
    }
    // RFC 7162 §3.2.4: with QRESYNC, a FETCH that set \Seen reports UID and MODSEQ as well.
    List<FetchAttr> seenAttrs = c.attrs();
    if (s.qresync && !seenNow.isEmpty()) {
      seenAttrs = new ArrayList<>(c.attrs());
      for (FetchAttr.Kind k : List.of(FetchAttr.Kind.UID, FetchAttr.Kind.MODSEQ)) {
        if (!seenAttrs.contains(new FetchAttr.Simple(k))) {
          seenAttrs.add(new FetchAttr.Simple(k));
        }
      }
    }
    boolean missing = false;
    for (int msn : msns) {
      MessageRecord r = sel.record(msn);
      boolean seen = seenNow.contains(r.uid());
      if (!new FetchResponder(sel, r).write(s.w, msn, seen ? seenAttrs : c.attrs(), seen)) {
        missing = true;
      }
    }
    if (missing) {
      throw ImapException.no("EXPUNGEISSUED", "Some of the requested messages no longer exist");
    }
    return (c.uid() ? "UID FETCH" : "FETCH") + " completed";
  }

  String store(Command.Store c) throws ImapException, IOException {
    SelectedMailbox sel = writable();
    List<String> flags = AclChecks.permittedFlags(sel.rights, checkFlags(c.flags()), true,
        c.mode() == Command.StoreMode.REPLACE);
    if (c.mode() != Command.StoreMode.REMOVE && !sel.hasRoomForKeywords(flags)) {
      throw ImapException.no("LIMIT",
          "Too many different keywords in this mailbox (at most " + MAX_KEYWORDS_PER_MAILBOX + "); remove some first");
    }
    List<Integer> msns = sel.resolve(c.set(), c.uid());
    List<Long> uids = new ArrayList<>();
    for (int msn : msns) {
      uids.add(sel.uid(msn));
    }
    Account.FlagMode mode = switch (c.mode()) {
      case ADD -> Account.FlagMode.ADD;
      case REMOVE -> Account.FlagMode.REMOVE;
      case REPLACE -> Account.FlagMode.REPLACE;
    };
    if (c.unchangedSince() >= 0) {
      s.enableCondstore();
    }
    List<Long> modified = new ArrayList<>();
    Set<Long> changed = new HashSet<>();
    for (MessageRecord r : sel.account.store(sel.id, uids, mode, flags, c.unchangedSince(), modified)) {
      sel.updated(r);
      changed.add(r.uid());
    }
    Set<Long> refused = new HashSet<>(modified);
    for (int msn : msns) {
      MessageRecord r = sel.record(msn);
      // RFC 7162 §3.2: with CONDSTORE, changes are reported with their MODSEQ even under .SILENT.
      boolean report = !refused.contains(r.uid()) && (!c.silent() || (s.condstore && changed.contains(r.uid())));
      if (report) {
        sel.announce(r.flags(), s.w);
        // RFC 7162 §3.2.4: with QRESYNC every FETCH caused by a STORE carries the UID.
        s.w.untagged(UidOnly.fetchHead(msn, r.uid(), sel.uidOnly)
            + (!sel.uidOnly && (c.uid() || s.qresync || s.rev2) ? "UID " + r.uid() + " " : "")
            + (c.silent() ? "" : "FLAGS (" + String.join(" ", sel.flags(r)) + ")" + (s.condstore ? " " : ""))
            + (s.condstore ? "MODSEQ (" + r.modseq() + ")" : "") + ")");
      }
    }
    if (!modified.isEmpty()) {
      List<Long> ids = new ArrayList<>();
      for (long uid : modified) {
        ids.add(c.uid() ? uid : sel.msn(uid));
      }
      ids.sort(null);
      return "[MODIFIED " + SequenceSet.format(ids) + "] Conditional STORE failed";
    }
    return (c.uid() ? "UID STORE" : "STORE") + " completed";
  }

  String copy(Command.Copy c) throws ImapException, IOException {
    SelectedMailbox sel = c.move() ? writable() : s.selected;
    String target = s.mailboxName(c.mailbox());
    SharedMailboxes.Target to = AclChecks.copyTarget(s, target);
    if (c.move() && !(sel.rights.has('t') && sel.rights.has('e'))) {
      throw ImapException.no("NOPERM", "You lack the 't' and 'e' rights to move messages out of this mailbox");
    }
    List<MessageRecord> msgs = new ArrayList<>();
    for (int msn : sel.resolve(c.set(), c.uid())) {
      MessageRecord r = sel.record(msn);
      if (!sel.isGone(r.uid())) {
        msgs.add(r);
      }
    }
    String verb = c.move() ? "MOVE" : "COPY";
    if (msgs.isEmpty()) {
      return verb + " completed";
    }
    Account.CopyResult r = to.account() != sel.account
        ? AclChecks.copyAcross(sel, msgs, to, c.move())
        : c.move() ? sel.account.move(sel.id, msgs, to.local()) : sel.account.copy(sel.id, msgs, to.local());
    if (!to.own() || sel.account != s.account) {
      target = null; // Junk learning is for the user's own mail
    }
    learnFromJunk(sel, target, r);
    String code = r.targetUids().isEmpty() ? "" : "[COPYUID " + r.uidValidity() + " "
        + SequenceSet.format(r.sourceUids()) + " " + SequenceSet.format(r.targetUids()) + "] ";
    if (c.move()) {
      // RFC 6851 §4.3: COPYUID goes in an untagged OK before the EXPUNGEs.
      if (!code.isEmpty()) {
        s.w.untagged("OK " + code + "Moved");
      }
      sel.expunged(r.sourceUids(), s.w);
      return verb + " completed";
    }
    return code + verb + " completed";
  }

  /** Moves into and out of Junk teach the spam filter, in the background ({@link JunkLearning}). */
  private void learnFromJunk(SelectedMailbox sel, String target, Account.CopyResult r) {
    if (s.junkLearning != null && target != null) {
      java.util.Optional<dev.postamt.store.MailboxInfo> from = s.account.mailbox(sel.id);
      java.util.Optional<dev.postamt.store.MailboxInfo> to = s.account.mailbox(target);
      if (from.isPresent() && to.isPresent()) {
        JunkLearning.copied(s.junkLearning, s.store, s.account.user(), from.get(), to.get(), r.targetUids());
      }
    }
  }

  private SelectedMailbox writable() throws ImapException {
    if (s.selected.readOnly && !AclChecks.mayChange(s.selected.rights)) {
      throw ImapException.no("NOPERM", "You have no right to change this mailbox (RFC 4314)");
    }
    if (s.selected.readOnly) {
      throw ImapException.no("Mailbox is read-only (EXAMINE)");
    }
    return s.selected;
  }

  /** Longest keyword accepted, in characters (Dovecot's mail_max_keyword_length). */
  static final int MAX_KEYWORD_LENGTH = 50;
  /** Most distinct keywords in one mailbox (Cyrus allows 128 user flags per mailbox). */
  static final int MAX_KEYWORDS_PER_MAILBOX = 128;

  /**
   * System flags must be one of the five a client may set (RFC 3501 §2.3.2); keywords are atoms of at
   * most {@link #MAX_KEYWORD_LENGTH} characters, refused with {@code NO [LIMIT]} (RFC 5530) beyond it.
   */
  static List<String> checkFlags(List<String> flags) throws ImapException {
    List<String> out = new ArrayList<>();
    for (String f : flags) {
      if (!f.startsWith("\\") && f.length() > MAX_KEYWORD_LENGTH) {
        throw ImapException.no("LIMIT", "Keyword too long (at most " + MAX_KEYWORD_LENGTH + " characters)");
      }
      if (out.size() >= MAX_KEYWORDS_PER_MAILBOX) {
        throw ImapException.no("LIMIT", "Too many flags in one command (at most " + MAX_KEYWORDS_PER_MAILBOX + ")");
      }
      String c = Flags.canonical(f);
      if (c.startsWith("\\") && !Flags.SYSTEM.contains(c)) {
        if (c.equals(Flags.RECENT)) {
          continue;
        }
        throw ImapException.bad("Invalid system flag " + CommandParser.printable(f));
      }
      out.add(c);
    }
    return out;
  }
}
