package dev.postamt.filter.rules;

import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.uri.Uris;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Runs loaded rules over one message. What each kind reads:
 *
 * <ul>
 *   <li>{@code body}: {@link ScannedMessage#visibleText()} (Subject first, HTML rendered) cut into
 *       paragraphs at empty lines, white space inside a paragraph squeezed to one space, paragraphs
 *       joined with {@code \n} and matched in multi-line mode: SpamAssassin matches each paragraph
 *       ("line") alone, so {@code ^}/{@code $} mean the same; only {@code \s} or a negated class can
 *       reach over a paragraph end here. One regex search per rule instead of one per paragraph.
 *   <li>{@code rawbody}: {@link ScannedMessage#rawBody()} (HTML markup kept), multi-line mode likewise.
 *   <li>{@code full}: the message bytes as ISO-8859-1; {@code uri}: each of {@link Uris#of}.
 *   <li>{@code header}: see {@link HeaderTarget}; {@code mimeheader}: the fields of every MIME part.
 * </ul>
 *
 * <p>Each text part is cut at {@code body_part_scan_size} characters for body rules and {@code
 * rawbody_part_scan_size} for rawbody rules (SpamAssassin's limits since 3.4.3, 50,000 and 500,000), the
 * whole at {@link ScanText#MAX_TEXT} ({@link ScanText} makes the texts). Each text is made once per message, and one pass of its kind's {@link
 * LiteralScan} over it finds which of the rules' pre-filter strings ({@link RequiredLiterals}) it holds
 * (the rawbody and full passes read the parts and the bytes: their strings are made only when a regex
 * runs); a body, rawbody or full rule whose strings are all missing is not run, and one with a {@link
 * StartGuard} is tried only where a match can start. A regex that overflows
 * the stack on odd input counts as no hit. Hit counts of the scan (sub-rules included) are kept with
 * the message for the metas, which run last and may also read any symbol in the {@link Findings}.
 */
final class RuleEngine {
  private static final int EVIDENCE = 60;
  private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile("\\s+");

  private final List<Rule> rules;
  private final List<Rule> metas;
  private final Map<String, Double> scores;
  private final Map<String, String> descriptions;
  private final int bodyPartScanSize;
  private final int rawbodyPartScanSize;
  /** False only for {@link #unfiltered}: every regex runs. */
  private final boolean prefilter;
  /**
   * Per kind of text (body, rawbody, full) one automaton over the pre-filter strings of its rules; none
   * for a kind when it would be too large. One per kind keeps each table small (the rawbody rules' few
   * strings make a table of a few hundred entries, read from the first-level cache).
   */
  private final Map<Rule.Kind, LiteralScan> automata = new java.util.EnumMap<>(Rule.Kind.class);
  private final Map<Rule, LiteralScan.Filter> filters = new java.util.IdentityHashMap<>();
  /** Where matches of body, rawbody and full rules can start, for those whose start {@link StartGuard} reads. */
  private final Map<Rule, StartGuard> guards = new java.util.IdentityHashMap<>();
  private final String hitsKey = "rules.hits." + Integer.toHexString(System.identityHashCode(this));

  RuleEngine(List<Rule> rules, List<Rule> metas, Map<String, Double> scores, Map<String, String> descriptions) {
    this(rules, metas, scores, descriptions, ScanText.BODY_PART_SCAN_SIZE, ScanText.RAWBODY_PART_SCAN_SIZE);
  }

  RuleEngine(List<Rule> rules, List<Rule> metas, Map<String, Double> scores, Map<String, String> descriptions,
      int bodyPartScanSize, int rawbodyPartScanSize) {
    this(rules, metas, scores, descriptions, bodyPartScanSize, rawbodyPartScanSize, true);
  }

  private RuleEngine(List<Rule> rules, List<Rule> metas, Map<String, Double> scores, Map<String, String> descriptions,
      int bodyPartScanSize, int rawbodyPartScanSize, boolean prefilter) {
    this.prefilter = prefilter;
    this.rules = rules;
    this.metas = metas;
    this.scores = scores;
    this.descriptions = descriptions;
    this.bodyPartScanSize = bodyPartScanSize;
    this.rawbodyPartScanSize = rawbodyPartScanSize;
    Map<Rule.Kind, List<String>> strings = new java.util.EnumMap<>(Rule.Kind.class);
    for (Rule r : rules) {
      if (textRule(r)) {
        strings.computeIfAbsent(r.kind(), k -> new ArrayList<>()).addAll(r.regex().literals());
      }
    }
    strings.forEach((kind, list) -> {
      LiteralScan a = LiteralScan.of(list);
      if (a != null) {
        automata.put(kind, a);
      }
    });
    for (Rule r : rules) {
      StartGuard g = textRule(r) && prefilter ? StartGuard.of(r.regex().pattern()) : null;
      if (g != null) {
        guards.put(r, g);
      }
    }
    for (Rule r : rules) {
      if (textRule(r) && automata.containsKey(r.kind())) {
        filters.put(r, automata.get(r.kind()).filter(r.regex().literals()));
      }
    }
  }

  /** The same rules with no pre-filter: every regex runs (the reference the tests compare with). */
  RuleEngine unfiltered() {
    return new RuleEngine(rules, metas, scores, descriptions, bodyPartScanSize, rawbodyPartScanSize, false);
  }

  /** The same rules reading at most these many characters of each text part (body, rawbody). */
  RuleEngine withScanSizes(int body, int rawbody) {
    return new RuleEngine(rules, metas, scores, descriptions, body, rawbody, prefilter);
  }

  private static boolean textRule(Rule r) {
    return r.eval() == null && r.regex() != null
        && (r.kind() == Rule.Kind.BODY || r.kind() == Rule.Kind.RAWBODY || r.kind() == Rule.Kind.FULL);
  }

  void names(List<String> out) {
    rules.forEach(r -> out.add(r.name()));
    metas.forEach(r -> out.add(r.name()));
  }

  /** The scan's hit counts, fresh for each scan of the message by this rule set. */
  private Map<String, Integer> hits(ScannedMessage m) {
    return m.derived(hitsKey, HashMap::new);
  }

  void runRules(ScanInput in, Findings out) {
    Map<String, Integer> hits = hits(in.message());
    hits.clear();
    Scan scan = new Scan(in);
    for (Rule r : rules) {
      int n = scan.run(r);
      if (n > 0) {
        hits.put(r.name(), n);
        if (!r.sub()) {
          out.add(r.name(), scores.getOrDefault(r.name(), 1.0), reason(r, scan.evidence));
        }
      }
    }
  }

  /** Nanoseconds each rule took on this message (for tuning rule sets; not used in a scan). */
  void profile(ScanInput in, Map<String, Long> nanos) {
    Scan scan = new Scan(in);
    scan.body();
    scan.raw();
    scan.full();
    for (Rule r : rules) {
      long t0 = System.nanoTime();
      scan.run(r);
      nanos.merge(r.name(), System.nanoTime() - t0, Long::sum);
    }
  }

  /** One message's texts, made once, and the evidence of the last hit. */
  /** See {@code Scan.wordStarts}: a text one guarded rule has read by itself. */
  private static final int[] FIRST_READ = new int[0];

  private final class Scan {
    final ScanInput in;
    final ScannedMessage m;
    final Map<String, String> headerCache = new HashMap<>();
    final Map<String, String> headerLowerCache = new HashMap<>();
    String body;
    String raw;
    String full;
    /** Which pre-filter strings each text holds ({@link LiteralScan}). */
    java.util.BitSet bodyFound;
    java.util.BitSet rawFound;
    java.util.BitSet fullFound;
    /** Lower-case copies, only when there is no automaton (a very large rule set). */
    String bodyLower;
    String rawLower;
    String fullLower;
    String evidence;
    /**
     * Each text's {@link StartGuard#wordStarts}, found once for the guarded rules that read it: the first
     * such rule reads the text's characters itself ({@link #FIRST_READ} marks that it did), the second
     * finds the word starts, which it and every later one read instead. A text that one guarded rule
     * reads (the stock rules on most mail that passes their literals) is so read once, not twice.
     */
    private final Map<String, int[]> wordStarts = new java.util.IdentityHashMap<>(4);

    Scan(ScanInput in) {
      this.in = in;
      this.m = in.message();
    }

    void body() {
      if (body == null) {
        body = ScanText.bodyText(m, bodyPartScanSize);
        LiteralScan literals = automata.get(Rule.Kind.BODY);
        if (literals != null) {
          bodyFound = literals.scan(body);
        } else {
          bodyLower = RequiredLiterals.lower(body);
        }
      }
    }

    /** The pre-filter of rawbody rules reads the parts; the string is made when a regex must run. */
    void raw() {
      if (rawFound == null && rawLower == null) {
        LiteralScan literals = automata.get(Rule.Kind.RAWBODY);
        if (literals != null) {
          rawFound = ScanText.rawBodyFound(literals, m, rawbodyPartScanSize);
        } else {
          rawLower = RequiredLiterals.lower(rawText());
        }
      }
    }

    String rawText() {
      if (raw == null) {
        raw = ScanText.rawBodyText(m, rawbodyPartScanSize);
      }
      return raw;
    }

    /** The pre-filter of full rules reads the bytes; the string is made when a regex must run. */
    void full() {
      if (fullFound == null && fullLower == null) {
        LiteralScan literals = automata.get(Rule.Kind.FULL);
        if (literals != null) {
          fullFound = literals.scan(m.raw(), m.raw().length);
        } else {
          full = new String(m.raw(), StandardCharsets.ISO_8859_1);
          fullLower = RequiredLiterals.lower(full);
        }
      }
    }

    String fullText() {
      if (full == null) {
        full = new String(m.raw(), StandardCharsets.ISO_8859_1);
      }
      return full;
    }

    private boolean mayMatch(Rule r, java.util.BitSet found, String lower) {
      if (!prefilter) {
        return true;
      }
      LiteralScan.Filter f = filters.get(r);
      return f != null ? f.mayMatch(found) : r.regex().mayMatch(lower);
    }

    /** How often {@code r} hits (at most its maxHits); 0 for a regex that gives up on this text. */
    int run(Rule r) {
      evidence = null;
      try {
        if (r.eval() != null) {
          return r.eval().test(in) ? 1 : 0;
        }
        return switch (r.kind()) {
          case HEADER -> header(r);
          case BODY -> {
            body();
            yield mayMatch(r, bodyFound, bodyLower) ? count(r, body) : 0;
          }
          case RAWBODY -> {
            raw();
            yield mayMatch(r, rawFound, rawLower) ? count(r, rawText()) : 0;
          }
          case FULL -> {
            full();
            yield mayMatch(r, fullFound, fullLower) ? count(r, fullText()) : 0;
          }
          case URI -> uri(r);
          case MIMEHEADER -> mimeHeader(r);
          case META -> 0;
        };
      } catch (StackOverflowError | RuntimeException e) {
        return 0; // odd input a regex cannot handle is no evidence
      }
    }

    private int header(Rule r) {
      String spec = r.header().spec();
      String v = headerCache.get(spec);
      if (v == null) {
        String s = r.header().value(in);
        v = s == null ? UNSET : s;
        headerCache.put(spec, v);
      }
      boolean unset = v == UNSET;
      if (r.regex() == null) {
        return unset ? 0 : 1;
      }
      String text = unset ? (r.ifUnset() == null ? "" : r.ifUnset()) : v;
      if (prefilter && !r.regex().literals().isEmpty()
          && !r.regex().mayMatch(unset ? RequiredLiterals.lower(text) : headerLower(spec, v))) {
        return r.negate() ? 1 : 0; // none of the strings every match holds is there: not found, no regex run
      }
      Matcher mt = r.regex().pattern().matcher(Budgeted.of(text));
      boolean found = mt.find();
      if (found == r.negate()) {
        return 0;
      }
      evidence = found ? mt.group() : null;
      return 1;
    }

    /** The ASCII-lower-cased value of header spec {@code spec} (whose value is {@code v}), made once per scan. */
    private String headerLower(String spec, String v) {
      return headerLowerCache.computeIfAbsent(spec, k -> RequiredLiterals.lower(v));
    }

    private int count(Rule r, String text) {
      Matcher mt = r.regex().pattern().matcher(Budgeted.of(text));
      StartGuard guard = guards.get(r);
      if (guard != null) {
        return countFrom(r, text, mt, guard);
      }
      int n = 0;
      while (n < r.maxHits() && mt.find()) {
        if (evidence == null) {
          evidence = mt.group();
        }
        n++;
      }
      return n;
    }

    /**
     * As {@link #count} with the regex tried only where {@code guard} says a match can start: at each such
     * position, the match {@code find} would give there; after a match, on from its end, as {@code find}
     * goes on (a match of a guarded regex is never empty).
     */
    private int countFrom(Rule r, String text, Matcher mt, StartGuard guard) {
      mt.useTransparentBounds(true).useAnchoringBounds(false);
      int n = 0;
      int from = 0;
      int len = text.length();
      int[] starts = null;
      if (guard.boundary()) {
        starts = wordStarts.get(text);
        if (starts == null) {
          wordStarts.put(text, FIRST_READ);
        } else if (starts == FIRST_READ) {
          starts = StartGuard.wordStarts(text);
          wordStarts.put(text, starts);
        }
      }
      while (n < r.maxHits()) {
        int at = starts == null || starts == FIRST_READ ? guard.next(text, from) : guard.next(text, starts, from);
        if (at < 0) {
          break;
        }
        mt.region(at, len);
        if (mt.lookingAt()) {
          if (evidence == null) {
            evidence = mt.group();
          }
          n++;
          from = Math.max(mt.end(), at + 1);
        } else {
          from = at + 1;
        }
      }
      return n;
    }

    private int uri(Rule r) {
      int n = 0;
      for (String u : Uris.of(m)) {
        if (r.regex().pattern().matcher(Budgeted.of(u)).find()) {
          if (evidence == null) {
            evidence = u;
          }
          if (++n >= r.maxHits()) {
            break;
          }
        }
      }
      return n;
    }

    private int mimeHeader(Rule r) {
      for (String v : ScanText.mimeHeaders(m, r.header())) {
        Matcher mt = r.regex() == null ? null : r.regex().pattern().matcher(Budgeted.of(v));
        if (mt == null || mt.find() != r.negate()) {
          evidence = mt != null && !r.negate() ? mt.group() : null;
          return 1;
        }
      }
      return 0;
    }
  }

  private static final String UNSET = new String("\u0000unset");

  void runMetas(ScanInput in, Findings out) {
    Map<String, Integer> hits = hits(in.message());
    for (Rule r : metas) {
      boolean fired;
      try {
        fired = r.meta().test(name -> {
          Integer h = hits.get(name);
          return h != null ? h : out.has(name) ? 1 : 0;
        });
      } catch (RuntimeException e) {
        fired = false;
      }
      if (fired) {
        hits.put(r.name(), 1);
        if (!r.sub()) {
          out.add(r.name(), scores.getOrDefault(r.name(), 1.0), reason(r, null));
        }
      }
    }
  }

  private String reason(Rule r, String evidence) {
    String d = descriptions.get(r.name());
    StringBuilder b = new StringBuilder(d != null ? d : r.kind().name().toLowerCase(java.util.Locale.ROOT) + " rule");
    if (evidence != null && !evidence.isBlank()) {
      String e = SPACES.matcher(evidence).replaceAll(" ").strip();
      if (e.length() > EVIDENCE) {
        e = e.substring(0, EVIDENCE) + "…";
      }
      b.append(": \"").append(e).append('"');
    }
    return b.toString();
  }
}
