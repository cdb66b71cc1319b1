package dev.postamt.search;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

/**
 * A text's words for both of its word fields, the text broken into words once. {@link Analyzers} indexes
 * each text as {@code w.<field>} and {@code st.<field>}, two chains that begin alike (word breaking,
 * width folding, lower case, CJK bigrams) and differ only after that; given the text twice, Lucene ran
 * the common part twice, and for long bodies the word breaking was the largest cost of the word fields.
 * Here the common part runs once ({@link Analyzers#common}) and its tokens (term and position increment,
 * all that the rest of either chain reads) are replayed into each field's own filters ({@link
 * Analyzers#words}, {@link Analyzers#stems}). So the terms and positions are the very ones the analyzer
 * gives (tested, {@code WordTokensTest}); queries still go through {@link Analyzers#perField}.
 *
 * <p>Offsets are not kept: the word fields index positions, not offsets, and snippets re-read the
 * message. The tokens are a second copy of the text in memory, so texts over {@link #MAX_CHARS} are
 * analysed twice instead (a 45 MB message's body would otherwise take another ~150 MB of heap).
 */
final class WordTokens {
  /** The longest text whose tokens are held for the second field (a few MB of heap at most). */
  static final int MAX_CHARS = 1 << 20;

  private char[] chars;
  private int charCount;
  private int[] ends;
  private int[] increments;
  private int count;

  /**
   * Sized for the text: its tokens hold about as many characters as it has (more only for CJK bigrams),
   * and there is a token per few characters; so a 100 KB body does not grow the arrays a dozen times.
   */
  private WordTokens(int textLength) {
    chars = new char[Math.max(256, textLength)];
    ends = new int[Math.max(64, textLength / 6)];
    increments = new int[ends.length];
  }

  /** The common part of the analysis of {@code text}, run once. */
  static WordTokens of(String text) {
    WordTokens w = new WordTokens(text.length());
    try (TokenStream ts = Analyzers.common(new StringReader(text))) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        w.add(term.buffer(), term.length(), inc.getPositionIncrement());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringReader does not fail
    }
    return w;
  }

  private void add(char[] b, int length, int increment) {
    if (charCount + length > chars.length) {
      chars = Arrays.copyOf(chars, Math.max(chars.length * 2, charCount + length));
    }
    System.arraycopy(b, 0, chars, charCount, length);
    charCount += length;
    if (count == ends.length) {
      ends = Arrays.copyOf(ends, count * 2);
      increments = Arrays.copyOf(increments, count * 2);
    }
    ends[count] = charCount;
    increments[count] = increment;
    count++;
  }

  /** The tokens of {@code w.<field>}. */
  TokenStream words() {
    return Analyzers.words(new Replay());
  }

  /** The tokens of {@code st.<field>}. */
  TokenStream stems() {
    return Analyzers.stems(new Replay());
  }

  /** The recorded tokens again, each with its term and position increment. */
  private final class Replay extends TokenStream {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final PositionIncrementAttribute inc = addAttribute(PositionIncrementAttribute.class);
    private int at;

    @Override
    public boolean incrementToken() {
      if (at == count) {
        return false;
      }
      clearAttributes();
      int start = at == 0 ? 0 : ends[at - 1];
      term.copyBuffer(chars, start, ends[at] - start);
      inc.setPositionIncrement(increments[at]);
      at++;
      return true;
    }

    @Override
    public void reset() throws IOException {
      super.reset();
      at = 0;
    }
  }
}
