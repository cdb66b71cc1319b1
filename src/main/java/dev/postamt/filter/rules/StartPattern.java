package dev.postamt.filter.rules;

import java.util.regex.Pattern;

/**
 * Reads a {@link StartGuard} from a Java pattern: the characters a match can begin with, alternative by
 * alternative, behind a {@code \b} or not, and the second character where the pattern gives it. What it
 * recognises, and why it refuses the rest, is in {@link StartGuard}'s comment; every answer is
 * conservative (a superset of the real starts), which {@code StartGuardTest}, {@code ScanTextTest} and
 * {@code StockRulesTest} check against the rules run without a guard.
 */
final class StartPattern {
  private StartPattern() {}

  /** ASCII characters that stand for themselves outside a class (no meta character; {@code #} only with COMMENTS, refused). */
  private static final String LITERAL_PUNCTUATION = "!\"#%&',-/:;<=>@`~ ";

  /** The guard of {@code p}, or null when the characters its matches begin with cannot be read from it. */
  static StartGuard read(Pattern p) {
    int flags = p.flags();
    if ((flags & (Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS | Pattern.COMMENTS | Pattern.LITERAL
        | Pattern.CANON_EQ)) != 0) {
      return null;
    }
    boolean ci = (flags & Pattern.CASE_INSENSITIVE) != 0;
    String s = p.pattern();
    if (s.contains("\\G")) {
      return null;
    }
    Starts starts = new Starts();
    return alternatives(s, 0, s.length(), false, starts, 0) ? starts.guard(ci) : null;
  }

  /**
   * Adds to {@code starts} the characters a match of {@code s[from, to)} can begin with, alternative by
   * alternative; {@code bounded}: a {@code \b} stands before it. False when some alternative's start is
   * not recognised.
   */
  private static boolean alternatives(String s, int from, int to, boolean bounded, Starts starts, int depth) {
    if (depth > 8) {
      return false;
    }
    int at = from;
    while (true) {
      int bar = bar(s, at, to);
      if (bar < 0 || !alternative(s, at, bar, bounded, starts, depth)) {
        return false;
      }
      if (bar == to) {
        return true;
      }
      at = bar + 1;
    }
  }

  /** One alternative {@code s[a, b)} (see {@link #alternatives}). */
  private static boolean alternative(String s, int a, int b, boolean bounded, Starts starts, int depth) {
    if (a >= b) {
      return false; // an empty alternative matches anywhere
    }
    if (s.startsWith("\\b", a)) {
      return alternative(s, a + 2, b, true, starts, depth);
    }
    char c = s.charAt(a);
    if (c == '(') {
      int content;
      if (s.startsWith("(?:", a)) {
        content = a + 3;
      } else if (a + 1 < b && s.charAt(a + 1) != '?') {
        content = a + 1; // a capturing group
      } else {
        return false; // look-around, inline flags, named or atomic groups
      }
      int close = close(s, a, b);
      if (close < 0) {
        return false;
      }
      int rest = optionalEnd(s, close + 1, b);
      if (rest >= 0) {
        // the group may be left out: a match begins as the group's content or as what follows it
        return alternatives(s, content, close, bounded, starts, depth + 1)
            && alternative(s, rest, b, bounded, starts, depth + 1);
      }
      if (!atLeastOnce(s, close + 1, b)) {
        return false;
      }
      return alternatives(s, content, close, bounded, starts, depth + 1);
    }
    boolean[] mine = new boolean[128];
    int after = element(s, a, b, mine);
    if (after < 0) {
      return false;
    }
    if (!atLeastOnce(s, after, b)) {
      return false;
    }
    boolean[] next = secondChars(s, after, b, mine);
    for (char k = 0; k < 128; k++) {
      if (mine[k]) {
        starts.add(k, next, bounded);
      }
    }
    return true;
  }

  /**
   * The class {@code s[a..]} ({@code s.charAt(a) == '['}) of ASCII letters, digits, {@code _} and ranges of
   * them into {@code set}; the index after its {@code ]}, or -1 for any other class (negation, escapes,
   * nested classes, intersections: not recognised).
   */
  private static int wordClass(String s, int a, int b, boolean[] set) {
    int i = a + 1;
    boolean any = false;
    while (i < b && s.charAt(i) != ']') {
      char k = s.charAt(i);
      if (!StartGuard.asciiWord(k)) {
        return -1;
      }
      if (i + 2 < b && s.charAt(i + 1) == '-' && s.charAt(i + 2) != ']') {
        char end = s.charAt(i + 2);
        if (!StartGuard.asciiWord(end) || end < k) {
          return -1;
        }
        for (char x = k; x <= end; x++) {
          if (!StartGuard.asciiWord(x)) {
            return -1; // a range over punctuation ([0-z])
          }
          set[x] = true;
        }
        i += 3;
      } else {
        set[k] = true;
        i++;
      }
      any = true;
    }
    return i >= b || !any ? -1 : i + 1;
  }

  /**
   * What the second character of a match can be, given that its first is one of {@code firstSet}, read
   * at {@code after} (just past the first element, which must occur): the same set when that element
   * repeats at least twice ({@code {2,}}), the set of the next element when the first stands alone and the
   * next must occur; null (any character) for everything else.
   */
  private static boolean[] secondChars(String s, int after, int b, boolean[] firstSet) {
    if (after >= b) {
      return null; // what follows the alternative is not read here
    }
    char q = s.charAt(after);
    if (q == '{') {
      return braceMin(s, after, b) >= 2 ? firstSet : null;
    }
    if (q == '+' || q == '*' || q == '?') {
      return null;
    }
    boolean[] set = new boolean[128];
    int end = element(s, after, b, set);
    return end < 0 || !atLeastOnce(s, end, b) ? null : set;
  }

  /**
   * One element that matches one ASCII character, at {@code s[a]}: a literal letter, digit or {@link
   * #LITERAL_PUNCTUATION}, an escaped punctuation character, {@code \d}, {@code \s}, {@code \w}
   * (ASCII: the patterns with Unicode classes have no guard), or a {@link #wordClass}; its characters
   * into {@code set} and the index after it, or -1 when it is anything else.
   */
  private static int element(String s, int a, int b, boolean[] set) {
    char c = s.charAt(a);
    if (c == '[') {
      return wordClass(s, a, b, set);
    }
    if (c == '\\') {
      if (a + 1 >= b) {
        return -1;
      }
      char e = s.charAt(a + 1);
      switch (e) {
        case 'd' -> {
          for (char x = '0'; x <= '9'; x++) {
            set[x] = true;
          }
        }
        case 's' -> {
          for (char x : new char[] {' ', '\t', '\n', 0x0B, '\f', '\r'}) {
            set[x] = true;
          }
        }
        case 'w' -> {
          for (char x = 0; x < 128; x++) {
            set[x] = StartGuard.asciiWord(x);
          }
        }
        default -> {
          if (e >= 128 || Character.isLetterOrDigit(e)) {
            return -1; // \t, \x41, \p{…}, \b, a back reference…: not read here
          }
          set[e] = true;
        }
      }
      return a + 2;
    }
    if (StartGuard.asciiWord(c) || LITERAL_PUNCTUATION.indexOf(c) >= 0) {
      set[c] = true;
      return a + 1;
    }
    return -1;
  }

  /** The starts gathered over the alternatives: first characters, what may follow each, where they count. */
  private static final class Starts {
    /** Some alternative begins without a {@code \b}: every position is a candidate. */
    private boolean unbounded;
    /** First characters behind a {@code \b} that are no word characters (the guard's anywhere starts). */
    private final boolean[] anywhere = new boolean[128];
    /** First characters that any character may follow. */
    private final boolean[] any = new boolean[128];
    /** Per first character, the characters that may follow it (null: none recorded). */
    private final boolean[][] sets = new boolean[128][];

    /**
     * A match can begin with {@code c} followed by one of {@code next} (null: by anything); {@code bounded}:
     * behind a {@code \b}.
     */
    void add(char c, boolean[] next, boolean bounded) {
      if (!bounded) {
        unbounded = true;
      } else if (!StartGuard.asciiWord(c)) {
        anywhere[c] = true; // behind \b a non-word character begins where a word ends
      }
      if (next == null) {
        any[c] = true;
        return;
      }
      if (sets[c] == null) {
        sets[c] = new boolean[128];
      }
      for (int k = 0; k < 128; k++) {
        sets[c][k] |= next[k];
      }
    }

    /** The guard; with {@code ci} both cases of every ASCII letter, first and second. */
    StartGuard guard(boolean ci) {
      if (ci) {
        for (char c = 'a'; c <= 'z'; c++) {
          char u = (char) (c - 32);
          boolean either = any[c] || any[u];
          any[c] = either;
          any[u] = either;
          if (sets[c] != null || sets[u] != null) {
            boolean[] both = new boolean[128];
            for (int k = 0; k < 128; k++) {
              both[k] = sets[c] != null && sets[c][k] || sets[u] != null && sets[u][k];
            }
            sets[c] = both;
            sets[u] = both;
          }
        }
      }
      boolean[] first = new boolean[128];
      long[][] second = new long[128][];
      boolean anyAnywhere = false;
      for (int c = 0; c < 128; c++) {
        first[c] = any[c] || sets[c] != null;
        anyAnywhere |= anywhere[c];
        if (any[c] || sets[c] == null) {
          continue; // any second character
        }
        long[] m = new long[2];
        for (int k = 0; k < 128; k++) {
          if (sets[c][k] || ci && Character.isLetter(k) && sets[c][k ^ 32]) {
            m[k >> 6] |= 1L << k;
          }
        }
        second[c] = m;
      }
      return new StartGuard(first, !unbounded, second, !unbounded && anyAnywhere ? anywhere : null);
    }
  }

  /** The index of the next {@code |} in {@code s[from, to)} outside groups and classes, {@code to} when none; -1 when it cannot tell. */
  private static int bar(String s, int from, int to) {
    return scanTo(s, from, to, '|');
  }

  /**
   * The index past an optional quantifier at {@code at} ({@code ?}, {@code *} or {@code {0…}}, with its
   * lazy or possessive mark), or -1 when there is none there.
   */
  private static int optionalEnd(String s, int at, int end) {
    if (at >= end) {
      return -1;
    }
    char q = s.charAt(at);
    int past;
    if (q == '?' || q == '*') {
      past = at + 1;
    } else if (q == '{') {
      int close = s.indexOf('}', at);
      if (braceMin(s, at, end) != 0 || close < 0 || close >= end) {
        return -1;
      }
      past = close + 1;
    } else {
      return -1;
    }
    return past < end && (s.charAt(past) == '?' || s.charAt(past) == '+') ? past + 1 : past;
  }

  /** Whether the element before {@code at} must occur at least once (no {@code ?}, {@code *}, {@code {0}). */
  private static boolean atLeastOnce(String s, int at, int end) {
    if (at >= end) {
      return true;
    }
    char q = s.charAt(at);
    if (q == '?' || q == '*') {
      return false;
    }
    if (q == '{') {
      return braceMin(s, at, end) >= 1;
    }
    return true;
  }

  /** The least count of the quantifier {@code {n…}} opened at {@code open} (at most 1,000), or -1 without digits. */
  private static int braceMin(String s, int open, int end) {
    int min = 0;
    boolean digits = false;
    for (int i = open + 1; i < end && Character.isDigit(s.charAt(i)); i++) {
      min = Math.min(1_000, min * 10 + (s.charAt(i) - '0'));
      digits = true;
    }
    return digits ? min : -1;
  }

  /** The index of the {@code )} that closes the group opened at {@code open}, or -1. */
  private static int close(String s, int open, int to) {
    int i = scanTo(s, open, to, ')');
    return i == to ? -1 : i;
  }

  /**
   * The index of the first {@code stop} in {@code s[from, to)} that is outside groups (for {@code |}) or
   * ends the group {@code from} opens (for {@code )}), classes and escapes skipped; {@code to} when none, -1
   * when it cannot tell (a {@code \Q} quoted span, an unclosed class).
   */
  private static int scanTo(String s, int from, int to, char stop) {
    int depth = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        if (i + 1 < to && s.charAt(i + 1) == 'Q') {
          return -1; // a quoted span: not worth reading
        }
        i++;
      } else if (c == '[') {
        i = classEnd(s, i, to);
        if (i < 0) {
          return -1;
        }
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
        if (stop == ')' && depth == 0) {
          return i;
        }
      } else if (c == '|' && stop == '|' && depth == 0) {
        return i;
      }
    }
    return to;
  }

  /** The index of the {@code ]} that ends the class opened at {@code open} (nested classes counted), or -1. */
  private static int classEnd(String s, int open, int to) {
    int depth = 0;
    for (int i = open; i < to; i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[') {
        depth++;
      } else if (c == ']') {
        if (i == open + 1 || (i == open + 2 && s.charAt(open + 1) == '^')) {
          return -1; // a ']' first in a class: not read here
        }
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }
}
