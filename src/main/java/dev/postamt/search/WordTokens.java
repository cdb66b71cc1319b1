package dev.postamt.search;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * Analyzers#words}, {@link Analyzers#stems}), and those run once per distinct token ({@link #distinct}).
 * So the terms and positions are the very ones the analyzer gives (tested, {@code WordTokensTest});
 * queries still go through {@link Analyzers#perField}.
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
    String[] terms = finish(Analyzers.words(new Replay(distinct())));
    return terms.length == firsts.length ? new Mapped(terms) : Analyzers.words(new Replay(every()));
  }

  /** The tokens of {@code st.<field>}. */
  TokenStream stems() {
    String[] terms = finish(Analyzers.stems(new Replay(distinct())));
    return terms.length == firsts.length ? new Mapped(terms) : Analyzers.stems(new Replay(every()));
  }

  /** All token numbers: the whole chain over every token (should a chain ever not map one to one). */
  private int[] every() {
    int[] all = new int[count];
    Arrays.setAll(all, i -> i);
    return all;
  }

  /**
   * Each distinct token once: the per-token ends of the distinct tokens' first occurrences; {@link #ids}
   * then numbers every token by its distinct token. A text repeats its words (100 KB of prose has a few
   * thousand distinct ones among fifteen thousand), and the rest of either chain ({@link Analyzers#words},
   * {@link Analyzers#stems}: folding, normalisation, stemming) maps one token to one token by its term
   * alone, so it runs once per distinct token and its results are replayed at every occurrence.
   */
  private int[] distinct() {
    if (ids != null) {
      return firsts;
    }
    ids = new int[count];
    firsts = new int[Math.max(16, count / 4)];
    int[] table = new int[Integer.highestOneBit(Math.max(8, count) * 2) * 2];
    Arrays.fill(table, -1);
    int mask = table.length - 1;
    int n = 0;
    for (int i = 0; i < count; i++) {
      int start = i == 0 ? 0 : ends[i - 1];
      int end = ends[i];
      int h = 0;
      for (int k = start; k < end; k++) {
        h = 31 * h + chars[k];
      }
      int slot = (h ^ (h >>> 16)) & mask;
      while (table[slot] >= 0 && !sameTerm(firsts[table[slot]], start, end)) {
        slot = (slot + 1) & mask;
      }
      if (table[slot] < 0) {
        if (n == firsts.length) {
          firsts = Arrays.copyOf(firsts, n * 2);
        }
        firsts[n] = i;
        table[slot] = n++;
      }
      ids[i] = table[slot];
    }
    firsts = Arrays.copyOf(firsts, n);
    return firsts;
  }

  private int[] ids;
  private int[] firsts;

  private boolean sameTerm(int token, int start, int end) {
    int s = token == 0 ? 0 : ends[token - 1];
    return Arrays.equals(chars, s, ends[token], chars, start, end);
  }

  /** The terms {@code chain} makes of the distinct tokens, in their order: the 1:1 map that {@link Mapped} replays. */
  private static String[] finish(TokenStream chain) {
    List<String> out = new ArrayList<>();
    try (chain) {
      CharTermAttribute term = chain.addAttribute(CharTermAttribute.class);
      chain.reset();
      while (chain.incrementToken()) {
        out.add(term.toString());
      }
      chain.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // replayed tokens do not fail
    }
    return out.toArray(String[]::new);
  }

  /** The given tokens again ({@code which}: their numbers), each with its term and position increment. */
  private final class Replay extends TokenStream {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final PositionIncrementAttribute inc = addAttribute(PositionIncrementAttribute.class);
    private final int[] which;
    private int at;

    Replay(int[] which) {
      this.which = which;
    }

    @Override
    public boolean incrementToken() {
      if (at == which.length) {
        return false;
      }
      clearAttributes();
      int t = which[at];
      int start = t == 0 ? 0 : ends[t - 1];
      term.copyBuffer(chars, start, ends[t] - start);
      inc.setPositionIncrement(increments[t]);
      at++;
      return true;
    }

    @Override
    public void reset() throws IOException {
      super.reset();
      at = 0;
    }
  }

  /** Every token in order, its term the chain's result for its distinct token, its own position increment. */
  private final class Mapped extends TokenStream {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final PositionIncrementAttribute inc = addAttribute(PositionIncrementAttribute.class);
    private final String[] terms;
    private int at;

    Mapped(String[] terms) {
      this.terms = terms;
    }

    @Override
    public boolean incrementToken() {
      if (at == count) {
        return false;
      }
      clearAttributes();
      term.setEmpty().append(terms[ids[at]]);
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
