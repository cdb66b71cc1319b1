package dev.postamt.imap;

import dev.postamt.store.MessageRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * SORT (RFC 5256 §3, with the DISPLAYFROM/DISPLAYTO keys of RFC 5957), its ESORT form {@code SORT
 * RETURN (...)} (RFC 5267 §3) and THREAD (RFC 5256 §3, algorithms in {@link Threader}), each also as
 * UID SORT / UID THREAD. The search criteria are SEARCH's ({@link SearchParser}, {@link
 * SearchMatcher}); the header fields come from {@link SortFieldCache}, so a mailbox's files are read
 * once, not at every command.
 */
final class SortCommands {
  static final List<String> CAPABILITIES =
      List.of("SORT", "SORT=DISPLAY", "ESORT", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES");

  /** A sort criterion: a key, and whether REVERSE came before it. */
  record Criterion(String key, boolean reverse) {}

  static final List<String> KEYS =
      List.of("ARRIVAL", "CC", "DATE", "FROM", "SIZE", "SUBJECT", "TO", "DISPLAYFROM", "DISPLAYTO");

  private final ImapSession s;

  SortCommands(ImapSession s) {
    this.s = s;
  }

  // ---- parsing (RFC 5256 §5, RFC 5267 §3) -------------------------------------------------------------

  /** {@code sort = ["UID" SP] "SORT" [SP "RETURN" SP "(" ... ")"] SP sort-criteria SP charset 1*(SP search-key)} */
  static Command parseSort(CommandParser p) throws ImapException {
    p.sp();
    List<String> returns = null;
    if (p.peekWord("RETURN")) {
      p.atom();
      p.sp();
      returns = returnOptions(p);
      p.sp();
    }
    p.expect('(');
    List<Criterion> criteria = new ArrayList<>();
    boolean reverse = false;
    while (true) {
      String k = p.atom().toUpperCase(Locale.ROOT);
      if (k.equals("REVERSE")) {
        if (reverse) {
          throw ImapException.bad("REVERSE twice");
        }
        reverse = true;
      } else if (KEYS.contains(k)) {
        criteria.add(new Criterion(k, reverse));
        reverse = false;
      } else {
        throw ImapException.bad("Unknown sort key " + ImapLexer.printable(k));
      }
      if (p.peek() == ')') {
        break;
      }
      p.sp();
    }
    p.expect(')');
    if (reverse) {
      throw ImapException.bad("REVERSE must be followed by a sort key");
    }
    p.sp();
    String charset = p.astring();
    return new Command.Sort(p.uid, criteria, charset, searchKeys(p), returns);
  }

  /** {@code thread = ["UID" SP] "THREAD" SP thread-alg SP search-charset 1*(SP search-key)} */
  static Command parseThread(CommandParser p) throws ImapException {
    p.sp();
    String algorithm = p.atom().toUpperCase(Locale.ROOT);
    p.sp();
    String charset = p.astring();
    return new Command.Thread(p.uid, algorithm, charset, searchKeys(p));
  }

  private static SearchKey searchKeys(CommandParser p) throws ImapException {
    SearchParser search = new SearchParser(p);
    List<SearchKey> keys = new ArrayList<>();
    do {
      p.sp();
      keys.add(search.searchKey());
    } while (p.peek() == ' ');
    return keys.size() == 1 ? keys.getFirst() : new SearchKey.And(keys);
  }

  /**
   * RETURN options: MIN MAX ALL COUNT, SAVE (RFC 5182 §2.4, with SEARCHRES), {@code PARTIAL low:high} kept
   * as one "PARTIAL low:high", and CONTEXT and UPDATE (RFC 5267 §4.2, §4.3; {@link SearchContexts}).
   */
  private static List<String> returnOptions(CommandParser p) throws ImapException {
    p.expect('(');
    List<String> out = new ArrayList<>();
    while (p.peek() != ')') {
      if (!out.isEmpty()) {
        p.sp();
      }
      String o = p.atom().toUpperCase(Locale.ROOT);
      switch (o) {
        case "MIN", "MAX", "ALL", "COUNT", "SAVE", "CONTEXT" -> out.add(o);
        case "UPDATE" -> {
          if (out.contains(o)) {
            throw ImapException.bad("UPDATE given twice");
          }
          out.add(o);
        }
        case "PARTIAL" -> {
          p.sp();
          String range = p.atom();
          PartialRange.parse(range);
          out.add("PARTIAL " + range);
        }
        default -> throw ImapException.bad("Unknown SORT RETURN option " + ImapLexer.printable(o));
      }
    }
    p.expect(')');
    return out;
  }

  // ---- SORT ------------------------------------------------------------------------------------------

  String sort(Command.Sort c, String tag) throws ImapException, IOException {
    boolean save = c.returns() != null && c.returns().contains("SAVE");
    if (c.returns() != null && c.returns().contains("UPDATE")) {
      s.selected.contexts().checkTag(tag); // RFC 5267 §4.3: BAD before anything is answered
    }
    try {
      return sort(c, tag, save);
    } catch (ImapException | RuntimeException e) {
      if (save && !(e instanceof ImapException x && x.status() == ImapException.Status.BAD)) {
        s.selected.save(List.of()); // RFC 5182 §2.1: a SAVE that fails empties "$"
      }
      throw e;
    }
  }

  private String sort(Command.Sort c, String tag, boolean save) throws ImapException, IOException {
    checkCharset(c.charset());
    SelectedMailbox sel = s.selected;
    List<Integer> hits = order(sel, c.criteria(), matching(c.key()), new Progress(s, "Reading headers", sel.size()));
    List<Long> numbers = new ArrayList<>(hits.size());
    long maxModseq = 0;
    for (int msn : hits) {
      MessageRecord r = sel.record(msn);
      numbers.add(c.uid() ? r.uid() : msn);
      maxModseq = Math.max(maxModseq, r.modseq());
    }
    boolean modseq = usesModseq(c.key()) && !hits.isEmpty(); // RFC 7162 §3.1.5 applies to SORT too
    String done = (c.uid() ? "UID SORT" : "SORT") + " completed";
    if (c.returns() == null) {
      StringBuilder b = new StringBuilder("SORT");
      for (long n : numbers) {
        b.append(' ').append(n);
      }
      if (modseq) {
        b.append(" (MODSEQ ").append(maxModseq).append(')');
      }
      s.w.untagged(b.toString());
      return done;
    }
    // RFC 5267 §4: CONTEXT is a hint and UPDATE keeps the result live; neither returns data of its own.
    List<String> opts = c.returns().stream().filter(o -> !o.equals("CONTEXT") && !o.equals("UPDATE")).toList();
    if (c.returns().contains("UPDATE")) {
      List<Long> uids = new ArrayList<>(hits.size());
      for (int msn : hits) {
        uids.add(sel.uid(msn));
      }
      sel.contexts().add(tag, c.uid(), c.key(), c.criteria(), uids, s.w);
    } else if (opts.isEmpty()) {
      opts = List.of("ALL");
    }
    if (save) {
      // RFC 5182 §2.4: with only MIN and/or MAX beside SAVE, "$" holds just those messages.
      boolean whole = opts.contains("ALL") || opts.contains("COUNT") || !(opts.contains("MIN") || opts.contains("MAX"));
      List<Long> keep = new ArrayList<>();
      for (int i = 0; i < hits.size(); i++) {
        if (whole || (i == 0 && opts.contains("MIN")) || (i == hits.size() - 1 && opts.contains("MAX"))) {
          keep.add(sel.uid(hits.get(i)));
        }
      }
      for (String o : opts) {
        if (o.startsWith("PARTIAL ") && !opts.contains("ALL") && !opts.contains("COUNT")) {
          keep = new ArrayList<>(); // as with MIN and MAX: "$" holds the page returned (RFC 9394 §3.1)
          for (int msn : PartialRange.parse(o.substring(8)).slice(hits)) {
            keep.add(sel.uid(msn));
          }
        }
      }
      sel.save(keep);
      if (opts.stream().allMatch("SAVE"::equals)) {
        return done + ", result saved"; // RFC 5182 §2.1: SAVE alone suppresses the response
      }
    }
    s.w.untagged(esearch(tag, c.uid(), opts, numbers, modseq ? maxModseq : -1));
    return done;
  }

  /** {@code hits} (sequence numbers) in the order of {@code criteria}; ties in mailbox order (RFC 5256 §3). */
  static List<Integer> order(SelectedMailbox sel, List<Criterion> criteria, List<Integer> hits, Progress progress)
      throws IOException {
    // ARRIVAL and SIZE are in the store's record; the other keys need the header.
    boolean headers = criteria.stream().anyMatch(k -> !k.key().equals("ARRIVAL") && !k.key().equals("SIZE"));
    SortFields[] fields = headers ? SortFieldCache.fields(sel, hits, progress) : null;
    Comparator<Integer> order = null;
    for (Criterion k : criteria) {
      Comparator<Integer> one = comparator(k.key(), sel, fields);
      if (k.reverse()) {
        one = one.reversed();
      }
      order = order == null ? one : order.thenComparing(one);
    }
    order = order == null ? Comparator.naturalOrder() : order.thenComparing(Comparator.naturalOrder());
    List<Integer> sorted = new ArrayList<>(hits);
    sorted.sort(order);
    return sorted;
  }

  /**
   * RFC 5267 §3.1: the ESEARCH answer to a SORT. MIN and MAX are the first and last message in sort
   * order, ALL the result in sort order (ascending runs as ranges), PARTIAL the given positions of it.
   */
  static String esearch(String tag, boolean uid, List<String> opts, List<Long> sorted, long modseq) throws ImapException {
    StringBuilder b = new StringBuilder("ESEARCH (TAG " + ResponseWriter.quote(tag) + ")");
    if (uid) {
      b.append(" UID");
    }
    for (String o : opts) {
      if (o.startsWith("PARTIAL ")) {
        PartialRange r = PartialRange.parse(o.substring(8)); // RFC 9394 §3.1: positions in sort order
        b.append(' ').append(r.answer(r.slice(sorted)));
        continue;
      }
      switch (o) {
        case "MIN" -> {
          if (!sorted.isEmpty()) {
            b.append(" MIN ").append(sorted.getFirst());
          }
        }
        case "MAX" -> {
          if (!sorted.isEmpty()) {
            b.append(" MAX ").append(sorted.getLast());
          }
        }
        case "COUNT" -> b.append(" COUNT ").append(sorted.size());
        case "SAVE" -> {}
        default -> { // ALL
          if (!sorted.isEmpty()) {
            b.append(" ALL ").append(SequenceSet.format(sorted));
          }
        }
      }
    }
    if (modseq >= 0) {
      b.append(" MODSEQ ").append(modseq);
    }
    return b.toString();
  }

  private static Comparator<Integer> comparator(String key, SelectedMailbox sel, SortFields[] f) {
    return switch (key) {
      case "ARRIVAL" -> Comparator.comparingLong(msn -> sel.record(msn).internalDate());
      case "SIZE" -> Comparator.comparingLong(msn -> sel.record(msn).size());
      case "DATE" -> Comparator.comparingLong(msn -> f[msn - 1].sentDate());
      case "SUBJECT" -> Comparator.comparing(msn -> f[msn - 1].subject(), BaseSubject::compare);
      case "FROM" -> Comparator.comparing(msn -> f[msn - 1].from(), BaseSubject::compare);
      case "TO" -> Comparator.comparing(msn -> f[msn - 1].to(), BaseSubject::compare);
      case "CC" -> Comparator.comparing(msn -> f[msn - 1].cc(), BaseSubject::compare);
      case "DISPLAYFROM" -> Comparator.comparing(msn -> f[msn - 1].displayFrom(), BaseSubject::compare);
      case "DISPLAYTO" -> Comparator.comparing(msn -> f[msn - 1].displayTo(), BaseSubject::compare);
      default -> throw new IllegalArgumentException(key);
    };
  }

  // ---- THREAD ----------------------------------------------------------------------------------------

  String thread(Command.Thread c) throws ImapException, IOException {
    boolean references = c.algorithm().equals("REFERENCES");
    if (!references && !c.algorithm().equals("ORDEREDSUBJECT")) {
      throw ImapException.bad("Unknown threading algorithm " + ImapLexer.printable(c.algorithm()));
    }
    checkCharset(c.charset());
    SelectedMailbox sel = s.selected;
    List<Integer> hits = matching(c.key());
    SortFields[] fields = SortFieldCache.fields(sel, hits, new Progress(s, "Reading headers", sel.size()));
    List<Threader.Message> messages = new ArrayList<>(hits.size());
    for (int msn : hits) {
      messages.add(new Threader.Message(c.uid() ? sel.uid(msn) : msn, msn, fields[msn - 1]));
    }
    s.w.untagged(Threader.format(references ? Threader.references(messages) : Threader.orderedSubject(messages)));
    return (c.uid() ? "UID THREAD" : "THREAD") + " completed";
  }

  // ---- shared -----------------------------------------------------------------------------------------

  /** RFC 5256 §3: US-ASCII and UTF-8 (which every server must know); others are NO [BADCHARSET]. */
  private static void checkCharset(String charset) throws ImapException {
    String cs = charset.toUpperCase(Locale.ROOT);
    if (!cs.equals("UTF-8") && !cs.equals("US-ASCII")) {
      throw ImapException.no("BADCHARSET (UTF-8 US-ASCII)", "Unsupported charset");
    }
  }

  /** The sequence numbers of the messages matching {@code key}, ascending (SEARCH's matcher). */
  private List<Integer> matching(SearchKey key) throws IOException {
    if (usesModseq(key)) {
      s.enableCondstore();
    }
    SelectedMailbox sel = s.selected;
    List<Integer> hits = new ArrayList<>();
    dev.postamt.search.SubstringAnswers indexed = IndexedSearch.answers(sel, key);
    Progress progress = new Progress(s, "Searching", sel.size());
    for (int msn = 1; msn <= sel.size(); msn++) {
      progress.at(msn - 1);
      if (new SearchMatcher(sel, msn, sel.record(msn), indexed).matches(key)) {
        hits.add(msn);
      }
    }
    return hits;
  }

  private static boolean usesModseq(SearchKey k) {
    return switch (k) {
      case SearchKey.ModSeq m -> true;
      case SearchKey.And a -> a.keys().stream().anyMatch(SortCommands::usesModseq);
      case SearchKey.Or o -> usesModseq(o.a()) || usesModseq(o.b());
      case SearchKey.Not n -> usesModseq(n.key());
      default -> false;
    };
  }
}
