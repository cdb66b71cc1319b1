package dev.postamt.filter.rules;

import java.util.regex.Pattern;

/**
 * Where a match of a regex that begins with a word boundary and an ASCII word character can start.
 * Java's regex engine tries a match at every position of the text and, for {@code \b}, looks at the
 * characters on both sides each time: about 10 ns per character for a rule such as {@code
 * /(?:\b[A-Z]{2,}[ ,.!]+){12}/}, which has no literal for the pre-filter ({@link RequiredLiterals}) and so
 * runs over every body. A match of {@code \b[C]…} (C a set of ASCII letters, digits and {@code _}) can only
 * start at a character of C whose left neighbour is not an ASCII word character (two ASCII word
 * characters have no boundary between them, whatever the engine counts as a word character otherwise);
 * {@link #next} finds those positions with a plain loop, and the regex is tried only there ({@link
 * java.util.regex.Matcher#lookingAt} on a region with transparent bounds: the same match {@code find}
 * would give at that position). The positions are a superset of the real starts, so the hits are the same
 * (the one difference: fewer characters are read, so a runaway regex that used up its {@link Budgeted}
 * reads before may now finish).
 *
 * <p>{@link #of} recognises the start conservatively, from the Java pattern: optional groups around it
 * must hold no alternation and repeat at least once; any other construct (look-around, inline flags,
 * Unicode case folding, an optional first character) gives no guard, and the regex runs as before.
 */
final class StartGuard {
  /** The ASCII characters a match can begin with. */
  private final boolean[] first;

  private StartGuard(boolean[] first) {
    this.first = first;
  }

  /**
   * The position of the first possible match start at or after {@code from}, or -1: a character a
   * match can begin with, not preceded by an ASCII letter, digit or {@code _}.
   */
  int next(CharSequence text, int from) {
    int len = text.length();
    boolean prevWord = from > 0 && asciiWord(text.charAt(from - 1));
    for (int i = from; i < len; i++) {
      char c = text.charAt(i);
      if (c < 128) {
        if (!prevWord && first[c]) {
          return i;
        }
        prevWord = WORD[c]; // one table read per character, not four comparisons
      } else {
        prevWord = false;
      }
    }
    return -1;
  }

  /**
   * As {@link #next(CharSequence, int)}, reading only {@code starts}, the text's {@link #wordStarts}: every
   * position a guard can accept is one (the characters a match begins with are ASCII word characters), so
   * each guarded rule reads the text's words, not its characters, and the text is read once for all of them.
   */
  int next(CharSequence text, int[] starts, int from) {
    int k = java.util.Arrays.binarySearch(starts, from);
    for (k = k < 0 ? -k - 1 : k; k < starts.length; k++) {
      int i = starts[k];
      if (first[text.charAt(i)]) {
        return i;
      }
    }
    return -1;
  }

  /** The positions in {@code text}, ascending, of ASCII letters, digits and {@code _} not preceded by one. */
  static int[] wordStarts(String text) {
    int len = text.length();
    int[] out = new int[Math.max(16, len / 8)];
    int n = 0;
    boolean prevWord = false;
    for (int i = 0; i < len; i++) {
      char c = text.charAt(i);
      boolean word = c < 128 && WORD[c];
      if (word && !prevWord) {
        if (n == out.length) {
          out = java.util.Arrays.copyOf(out, n * 2);
        }
        out[n++] = i;
      }
      prevWord = word;
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /** Per ASCII character: whether it is a letter, a digit or {@code _}. */
  private static final boolean[] WORD = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      WORD[c] = asciiWord(c);
    }
  }

  private static boolean asciiWord(char c) {
    return c < 128 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_');
  }

  /** The guard of {@code p}, or null when its start is not (recognisably) {@code \b} and an ASCII word character. */
  static StartGuard of(Pattern p) {
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
    int start = 0;
    int end = s.length();
    while (true) {
      if (alternation(s, start, end)) {
        return null;
      }
      if (start < end && s.charAt(start) == '(') {
        int content;
        if (s.startsWith("(?:", start)) {
          content = start + 3;
        } else if (start + 1 < end && s.charAt(start + 1) != '?') {
          content = start + 1; // a capturing group
        } else {
          return null; // look-around, inline flags, named or atomic groups
        }
        int close = close(s, start, end);
        if (close < 0 || !atLeastOnce(s, close + 1, end)) {
          return null;
        }
        start = content;
        end = close;
        continue;
      }
      break;
    }
    if (!s.startsWith("\\b", start)) {
      return null;
    }
    int at = start + 2;
    boolean[] first = new boolean[128];
    int after;
    if (at < end && s.charAt(at) == '[') {
      int i = at + 1;
      boolean any = false;
      while (i < end && s.charAt(i) != ']') {
        char c = s.charAt(i);
        if (!asciiWord(c)) {
          return null; // negation, escapes, nested classes, intersections: not recognised
        }
        if (i + 2 < end && s.charAt(i + 1) == '-' && s.charAt(i + 2) != ']') {
          char to = s.charAt(i + 2);
          if (!asciiWord(to) || to < c) {
            return null;
          }
          for (char k = c; k <= to; k++) {
            if (!asciiWord(k)) {
              return null; // a range over punctuation ([0-z])
            }
            first[k] = true;
          }
          i += 3;
        } else {
          first[c] = true;
          i++;
        }
        any = true;
      }
      if (i >= end || !any) {
        return null;
      }
      after = i + 1;
    } else if (at < end && asciiWord(s.charAt(at))) {
      first[s.charAt(at)] = true;
      after = at + 1;
    } else {
      return null;
    }
    if (!atLeastOnce(s, after, end)) {
      return null;
    }
    if (ci) {
      for (char c = 'a'; c <= 'z'; c++) {
        boolean either = first[c] || first[c - 32];
        first[c] = either;
        first[c - 32] = either;
      }
    }
    return new StartGuard(first);
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
      int i = at + 1;
      int min = 0;
      boolean digits = false;
      while (i < end && Character.isDigit(s.charAt(i))) {
        min = Math.min(1_000, min * 10 + (s.charAt(i) - '0'));
        digits = true;
        i++;
      }
      return digits && min >= 1;
    }
    return true;
  }

  /** Whether {@code s[from, to)} has a {@code |} outside groups and classes; true also when it cannot tell. */
  private static boolean alternation(String s, int from, int to) {
    int depth = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        if (i + 1 < to && (s.charAt(i + 1) == 'Q')) {
          return true; // a quoted span: not worth reading
        }
        i++;
      } else if (c == '[') {
        i = classEnd(s, i, to);
        if (i < 0) {
          return true;
        }
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == '|' && depth == 0) {
        return true;
      }
    }
    return false;
  }

  /** The index of the {@code )} that closes the group opened at {@code open}, or -1. */
  private static int close(String s, int open, int to) {
    int depth = 0;
    for (int i = open; i < to; i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        if (i + 1 < to && s.charAt(i + 1) == 'Q') {
          return -1;
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
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
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
