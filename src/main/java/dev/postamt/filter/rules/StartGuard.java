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
 * <p>{@link #of} recognises the start conservatively, from the Java pattern: a group around it must occur
 * at least once, or be optional with what follows it read too (below); any other construct (look-around,
 * inline flags, Unicode case folding, an optional first character) gives no guard, and the regex runs as
 * before.
 *
 * <p>Since 2026-12-05 also alternatives ({@code \b(?:earn|make) …|\bextra …}: the first characters of
 * every alternative, each behind its {@code \b}) and a start without {@code \b} (a literal ASCII
 * character or a class of ASCII word characters: {@code <font}, {@code [a-z]<!--}, {@code !{3}}): then a
 * match can start at any such character, word start or not ({@link #boundary} false). Most body rules are
 * alternations of phrases behind one {@code \b}; each ran the regex engine at every character of the
 * text (about half of a realistic message's rule time), and now runs it at the word starts with one of
 * their first letters.
 *
 * <p>Since 2026-12-08 also the second character where the pattern tells it: after a first character that
 * stands alone (no quantifier) comes a literal, an escaped punctuation character, {@code \d}, {@code \s},
 * {@code \w} or a class of ASCII word characters that must occur, or the first element repeats at least
 * twice ({@code [A-Z]{2,}}); then a position is a start only when the next character is one of those
 * ({@link #next} reads it). {@code \b(?:we accept|visa|no fees|…)} was tried at every word beginning with
 * w, v, n…, about two words in five of English prose; now only at those beginning with we, vi, no….
 * And a first element may be an optional group ({@code (?:check or )?money}: a match begins as the group
 * or as what follows it), an escaped punctuation character, {@code \d}, {@code \s} or {@code \w}; a
 * punctuation character behind {@code \b} ({@code \b\$}) is tried wherever it stands, the guard's word
 * characters still at word starts only (more than needed, never less). Three of the shipped body rules
 * had no guard for one such alternative and ran the regex at every position of every body that held one
 * of their literals.
 */
final class StartGuard {
  /** The ASCII characters a match can begin with. */
  private final boolean[] first;
  /** Whether every match begins at a word start (a {@code \b} before each first character). */
  private final boolean boundary;
  /**
   * Per first character: the ASCII characters that can follow it, as two 64-bit masks ({@code [0]} for
   * U+0000–U+003F, {@code [1]} for U+0040–U+007F); null when any character can, or the pattern does not tell.
   */
  private final long[][] second;
  /**
   * In a {@link #boundary} guard, the punctuation characters that begin a match behind a {@code \b}
   * ({@code \b\$}): tried wherever they stand, not only at word starts (null when there are none).
   */
  private final boolean[] anywhere;

  StartGuard(boolean[] first, boolean boundary, long[][] second, boolean[] anywhere) {
    this.first = first;
    this.boundary = boundary;
    this.second = second;
    this.anywhere = anywhere;
  }

  /** Whether {@code text[i]}, which follows a word character, is an {@link #anywhere} start (there are some). */
  private boolean anywhereAt(CharSequence text, int i) {
    if (i >= text.length()) {
      return false;
    }
    char d = text.charAt(i);
    return d < 128 && anywhere[d] && secondFits(text, i, d);
  }

  /** Whether a match that begins with {@code c} at {@code i} can go on with the character after it. */
  private boolean secondFits(CharSequence text, int i, char c) {
    long[] m = second[c];
    if (m == null) {
      return true;
    }
    if (i + 1 >= text.length()) {
      return false; // a second character is needed
    }
    char d = text.charAt(i + 1);
    return d < 128 && (m[d >> 6] >>> d & 1) != 0;
  }

  /**
   * The position of the first possible match start at or after {@code from}, or -1: a character a
   * match can begin with, not preceded by an ASCII letter, digit or {@code _} when the guard is a
   * {@link #boundary} one.
   */
  int next(CharSequence text, int from) {
    int len = text.length();
    if (!boundary) {
      for (int i = from; i < len; i++) {
        char c = text.charAt(i);
        if (c < 128 && first[c] && secondFits(text, i, c)) {
          return i;
        }
      }
      return -1;
    }
    // at the top of the loop the character before i is no ASCII word character: inside a word nothing
    // starts, so the rest of each word (and the character that ends it) is passed with one table read
    // per character
    if (anywhere != null) {
      return nextOrAnywhere(text, from);
    }
    int i = from > 0 && asciiWord(text.charAt(from - 1)) ? wordEnd(text, from, len) + 1 : from;
    while (i < len) {
      char c = text.charAt(i);
      if (c < 128) {
        if (first[c] && secondFits(text, i, c)) {
          return i;
        }
        if (WORD[c]) { // on past the word
          i = wordEnd(text, i + 1, len) + 1;
          continue;
        }
      }
      i++;
    }
    return -1;
  }

  /** {@link #next(CharSequence, int)} of a boundary guard with {@link #anywhere} starts. */
  private int nextOrAnywhere(CharSequence text, int from) {
    int len = text.length();
    int i = from;
    if (from > 0 && asciiWord(text.charAt(from - 1))) {
      i = wordEnd(text, from, len);
      if (anywhereAt(text, i)) {
        return i;
      }
      i++;
    }
    while (i < len) {
      char c = text.charAt(i);
      if (c < 128) {
        if (first[c] && secondFits(text, i, c)) {
          return i;
        }
        if (WORD[c]) { // on past the word, and the character that ends it unless an anywhere start
          i = wordEnd(text, i + 1, len);
          if (anywhereAt(text, i)) {
            return i;
          }
          i++;
          continue;
        }
      }
      i++;
    }
    return -1;
  }

  /** The first position from {@code i} on that holds no ASCII word character ({@code len} if none). */
  private static int wordEnd(CharSequence text, int i, int len) {
    while (i < len) {
      char c = text.charAt(i);
      if (c >= 128 || !WORD[c]) {
        return i;
      }
      i++;
    }
    return len;
  }

  /**
   * As {@link #next(CharSequence, int)}, reading only {@code starts}, the text's {@link #wordStarts}, for a
   * {@link #boundary} guard: every position it can accept is one (the characters a match begins with are
   * ASCII word characters), so each such rule reads the text's words, not its characters, and the text is
   * read once for all of them.
   */
  int next(CharSequence text, int[] starts, int from) {
    if (!boundary()) {
      return next(text, from);
    }
    int k = java.util.Arrays.binarySearch(starts, from);
    for (k = k < 0 ? -k - 1 : k; k < starts.length; k++) {
      int i = starts[k];
      char c = text.charAt(i);
      if (first[c] && secondFits(text, i, c)) {
        return i;
      }
    }
    return -1;
  }

  /** Whether matches begin at word starts only (see {@link #next(CharSequence, int[], int)}). */
  boolean boundary() {
    return boundary && anywhere == null;
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

  static boolean asciiWord(char c) {
    return c < 128 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_');
  }

  /**
   * The guard of {@code p}, or null when the characters its matches begin with cannot be read from it
   * ({@link StartPattern}).
   */
  static StartGuard of(Pattern p) {
    return StartPattern.read(p);
  }
}
