package dev.postamt.search;

import java.io.CharArrayReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

/**
 * The word breaking of {@link Analyzers#breaking} (Lucene's {@code StandardTokenizer}, UAX #29), the
 * same tokens, without running its scanner over text in which the answer is plain: most of a Western
 * mail's text. The scanner took about 4 ns per character, the largest single cost of indexing a 100 KB
 * body.
 *
 * <p>A text is cut into chunks at <em>hard</em> characters: ASCII characters of word-break class Other,
 * space, CR, LF or the other line breaks (everything ASCII but letters, digits and {@code _ . , : ; '}),
 * when both neighbours are ASCII or Latin-1 letters (so no Hebrew letter around a {@code "}, no emoji
 * selector or keycap after a {@code #} or {@code *}, no combining mark after anything). No token contains
 * or crosses such a character, and the scanner starts afresh after it; so each chunk's tokens are those
 * the scanner makes of the chunk alone. A chunk of ASCII letters, digits and Latin-1 letters, with {@code
 * . , : ; '} only at its ends (where UAX #29 never joins them: WB6, WB7, WB11, WB12 want a letter or digit
 * on both sides), is one token without them. Any other chunk ({@code 3.14}, {@code don't}, {@code
 * snake_case}, other scripts, symbols) is given to the scanner alone. A chunk longer than the scanner's
 * maximum token length ({@value #MAX_TOKEN}), where it cuts depends on its buffer, makes the
 * caller run the scanner over the whole text instead ({@link #split} answers false).
 */
final class PlainBreaking {
  private PlainBreaking() {}

  /** StandardTokenizer's default maximum token length, which {@link Analyzers} keeps. */
  static final int MAX_TOKEN = 255;

  /** Receives the tokens: {@code text[off, off + len)} with its position increment. */
  interface Sink {
    void token(char[] text, int off, int len, int increment);
  }

  private static final byte HARD = 0;
  private static final byte WORD = 1;
  private static final byte MID = 2;
  private static final byte OTHER = 3;
  /** The class of each character below U+0100; every character from U+0100 on is {@link #OTHER}. */
  private static final byte[] CLASS = new byte[0x100];

  static {
    for (int c = 0; c < 0x80; c++) {
      CLASS[c] = HARD;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      CLASS[c] = WORD;
      CLASS[c - 'a' + 'A'] = WORD;
    }
    for (int c = '0'; c <= '9'; c++) {
      CLASS[c] = WORD;
    }
    for (char c : new char[] {'.', ',', ':', ';', '\''}) {
      CLASS[c] = MID;
    }
    CLASS['_'] = OTHER; // ExtendNumLet joins on either side: the scanner's
    for (int c = 0x80; c < 0x100; c++) {
      // Latin-1 letters (word-break class ALetter): ª µ º À–Ö Ø–ö ø–ÿ; the rest (NBSP, soft hyphen,
      // middle dot, symbols, C1 controls) is the scanner's
      boolean letter = c == 0xAA || c == 0xB5 || c == 0xBA || (c >= 0xC0 && c != 0xD7 && c != 0xF7);
      CLASS[c] = letter ? WORD : OTHER;
    }
  }

  private static int classOf(char c) {
    return c < 0x100 ? CLASS[c] : OTHER;
  }

  /** Whether {@code c} may stand next to a hard character without changing what the scanner does there. */
  private static boolean safeNeighbour(char c) {
    return c < 0x80 || (c < 0x100 && CLASS[c] == WORD);
  }

  private static boolean hard(char[] t, int i, int end) {
    char c = t[i];
    return c < 0x80 && CLASS[c] == HARD && (i == 0 || safeNeighbour(t[i - 1]))
        && (i + 1 == end || safeNeighbour(t[i + 1]));
  }

  /**
   * The tokens of {@code t[0, end)} into {@code sink}, as {@code StandardTokenizer} makes them of that
   * text (every increment 1); false, having given some tokens maybe, when a chunk is too long to tell
   * (see the class comment) or the text is not {@link WordTokens#cjkFree}: the caller then starts again
   * with the scanner.
   */
  static boolean split(char[] t, int end, Sink sink) {
    int i = 0;
    while (i < end) {
      while (i < end && hard(t, i, end)) {
        i++;
      }
      if (i == end) {
        break;
      }
      int start = i;
      boolean plain = true;
      int mids = 0;
      for (; i < end; i++) {
        char c = t[i];
        int k = c < 0x100 ? CLASS[c] : OTHER;
        if (k == WORD) {
          continue; // the most of a text: one look at the table
        }
        if (k == HARD && (i == 0 || safeNeighbour(t[i - 1])) && (i + 1 == end || safeNeighbour(t[i + 1]))) {
          break;
        }
        if (k == OTHER) {
          if (WordTokens.cjk(t[i])) {
            return false; // the common part of the chain is more than the word breaking here
          }
          plain = false;
        } else if (k == MID) {
          mids++;
        }
      }
      if (i - start > MAX_TOKEN) {
        return false;
      }
      if (plain) {
        int s = start;
        int e = i;
        while (s < e && classOf(t[s]) == MID) {
          s++;
          mids--;
        }
        while (e > s && classOf(t[e - 1]) == MID) {
          e--;
          mids--;
        }
        if (s == e) {
          continue; // only . , : ; '
        }
        if (mids == 0) {
          sink.token(t, s, e - s, 1);
          continue;
        }
      }
      scan(t, start, i - start, sink);
    }
    return true;
  }

  /** The scanner's tokens of one chunk (at most {@link #MAX_TOKEN} characters: nothing is skipped). */
  private static void scan(char[] t, int off, int len, Sink sink) {
    try (TokenStream ts = Analyzers.breaking(new CharArrayReader(t, off, len))) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        sink.token(term.buffer(), 0, term.length(), inc.getPositionIncrement());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a reader of an array does not fail
    }
  }
}
