package dev.postamt.filter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The header fields a verdict adds to a delivered message, as SpamAssassin writes them, so that every
 * mail reader, Sieve script and procmail recipe written for SpamAssassin understands them:
 *
 * <pre>
 * X-Spam-Flag: YES                                   (only when spam)
 * X-Spam-Score: 6.1
 * X-Spam-Level: ******                               (a star per whole point, at most 50)
 * X-Spam-Status: Yes, score=6.1 required=5.0 tests=SYMBOL_A=2.0,SYMBOL_B=1.5
 *  autolearn=no version=Postamt
 * X-Spam-Report: score=6.1 required=5.0
 *  *  2.0 SYMBOL_A the reason SYMBOL_A names
 *  *  1.5 SYMBOL_B …
 * </pre>
 *
 * The report keeps the explanation of the verdict with the message (issue 17 item 10). Fields are
 * folded at 78 columns where they can be (RFC 5322 §2.1.1: lines SHOULD be at most 78 characters, MUST
 * be at most 998) and are plain ASCII: a reason quoting non-ASCII text shows {@code ?} for it. Every
 * field named {@code X-Spam-*} that arrives from outside is removed before ours are added ({@link
 * #isOurs}), so nothing downstream can be fooled by a forged verdict.
 */
public final class SpamHeaders {
  public static final String FLAG = "X-Spam-Flag";
  public static final String SCORE = "X-Spam-Score";
  public static final String LEVEL = "X-Spam-Level";
  public static final String STATUS = "X-Spam-Status";
  public static final String REPORT = "X-Spam-Report";
  static final int WIDTH = 78;
  static final int MAX_STARS = 50;
  static final int MAX_REASON = 300;

  private static final Comparator<Symbol> BY_NAME = Comparator.comparing(Symbol::name);

  private SpamHeaders() {}

  /** Whether a header field of that name is one the scan writes and so one to drop when it comes from outside. */
  public static boolean isOurs(String fieldName) {
    return fieldName.regionMatches(true, 0, "X-Spam-", 0, 7);
  }

  /** The fields for a verdict, each CRLF-terminated, in the order above. */
  public static String fields(Verdict v) {
    StringBuilder b = new StringBuilder();
    if (v.spam()) {
      b.append(FLAG).append(": YES\r\n");
    }
    b.append(SCORE).append(": ").append(Verdict.oneDecimal(v.score())).append("\r\n");
    String stars = level(v.score());
    b.append(LEVEL).append(':').append(stars.isEmpty() ? "" : " " + stars).append("\r\n");
    b.append(status(v));
    b.append(report(v));
    return b.toString();
  }

  /** The {@code X-Spam-Status} field, folded, CRLF-terminated. */
  public static String status(Verdict v) {
    List<String> words = new ArrayList<>();
    words.add(v.spam() ? "Yes," : "No,");
    words.add("score=" + Verdict.oneDecimal(v.score()));
    words.add("required=" + Verdict.oneDecimal(v.required()));
    List<Symbol> byName = Verdict.sorted(v.symbols(), BY_NAME);
    if (byName.isEmpty()) {
      words.add("tests=none");
    } else {
      // the list of tests may fold after any comma, as SpamAssassin folds it
      for (int i = 0; i < byName.size(); i++) {
        Symbol s = byName.get(i);
        String t = s.name() + "=" + Verdict.number(s.score()) + (i < byName.size() - 1 ? "," : "");
        words.add(i == 0 ? "tests=" + t : "\0" + t);
      }
    }
    words.add("autolearn=" + v.autolearn());
    words.add("version=Postamt");
    return fold(STATUS + ":", words);
  }

  /** Stars, one per whole point of a positive score, at most {@value #MAX_STARS}. */
  public static String level(double score) {
    int n = score <= 0 ? 0 : (int) Math.min(MAX_STARS, Math.floor(score));
    return "*".repeat(n);
  }

  /**
   * The {@code X-Spam-Report} field: the scores, then a line per symbol ({@code *  2.0 NAME reason}), the
   * reason folded onto further lines when long. Says so when only the start of the message was scanned.
   */
  public static String report(Verdict v) {
    List<String> head = new ArrayList<>(List.of("score=" + Verdict.oneDecimal(v.score()),
        "required=" + Verdict.oneDecimal(v.required()), "action=" + v.action().word()));
    if (v.truncated()) {
      head.addAll(List.of("(only", "the", "start", "of", "the", "message", "was", "scanned)"));
    }
    StringBuilder b = new StringBuilder(fold(REPORT + ":", head));
    for (Symbol s : v.symbols()) {
      List<String> words = new ArrayList<>();
      words.add("*");
      String n = Verdict.number(s.score());
      words.add(n.length() >= 4 ? n : " ".repeat(4 - n.length()) + n); // "%4s" without a Formatter
      words.add(s.name());
      addWords(words, ascii(s.reason()));
      b.append(fold("\t", words));
    }
    return b.toString();
  }

  /**
   * Joins {@code words} with spaces after {@code start} (a word starting with NUL joins without one),
   * beginning a continuation line ({@code CRLF TAB}) where the next word would pass {@value #WIDTH}
   * columns. A word longer than a line gets a line of its own.
   */
  static String fold(String start, List<String> words) {
    StringBuilder out = new StringBuilder(start);
    int column = start.length();
    boolean lineStart = start.isBlank();
    for (String w : words) {
      boolean glued = w.startsWith("\0");
      String word = glued ? w.substring(1) : w;
      boolean space = !glued && !lineStart;
      int add = word.length() + (space ? 1 : 0);
      if (column + add > WIDTH && !lineStart) {
        out.append("\r\n\t").append(word);
        column = 1 + word.length();
      } else {
        out.append(space ? " " : "").append(word);
        column += add;
      }
      lineStart = false;
    }
    return out.append("\r\n").toString();
  }

  /** Printable ASCII, at most {@value #MAX_REASON} characters (a header field is ASCII without SMTPUTF8). */
  static String ascii(String s) {
    String t = s;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) { // as replaceAll("[^\\x20-\\x7e]", "?"), without a regex per symbol
        char[] a = s.toCharArray();
        for (int j = i; j < a.length; j++) {
          a[j] = a[j] < 0x20 || a[j] > 0x7e ? '?' : a[j];
        }
        t = new String(a);
        break;
      }
    }
    return t.length() > MAX_REASON ? t.substring(0, MAX_REASON - 3) + "..." : t;
  }

  /** The non-empty words of {@code s} between spaces (as {@code split(" +")} less its empty words). */
  static void addWords(List<String> words, String s) {
    int i = 0;
    while (i < s.length()) {
      int sp = s.indexOf(' ', i);
      int end = sp < 0 ? s.length() : sp;
      if (end > i) {
        words.add(s.substring(i, end));
      }
      i = end + 1;
    }
  }
}
