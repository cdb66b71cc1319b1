package dev.postamt.search;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.TermToBytesRefAttribute;
import org.apache.lucene.util.AttributeImpl;
import org.apache.lucene.util.AttributeReflector;
import org.apache.lucene.util.BytesRef;

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
 * <p>A text without characters of the CJK ranges ({@link #cjkFree}: no Hangul, kana, Han, full- or
 * half-width forms, nothing outside the Basic Multilingual Plane; most Western mail, typographic quotes,
 * dashes and symbols included) meets no token that the width folding or the CJK bigrams change; for it
 * the common part is the word breaking alone ({@link Analyzers#breaking}), and the lower-casing, which
 * maps one token to one by its term, joins the per-distinct-token rest of each chain. Each distinct token's final term is
 * encoded to UTF-8 once and handed to Lucene as bytes ({@link TermToBytesRefAttribute}) at every
 * occurrence, not copied and encoded again per occurrence.
 *
 * <p>Offsets are not kept: the word fields index positions, not offsets, and snippets re-read the
 * message. The tokens are a second copy of the text in memory, so texts over {@link #MAX_CHARS} are
 * analysed twice instead (a 45 MB message's body would otherwise take another ~150 MB of heap).
 */
final class WordTokens {
  /** The longest text whose tokens are held for the second field (a few MB of heap at most). */
  static final int MAX_CHARS = 1 << 20;

  /** Whether the tokens are the word breaking's alone, not yet lower-cased (see the class comment). */
  private boolean raw;
  private char[] chars;
  private int charCount;
  private int[] ends;
  private int[] increments;
  private int count;
  /** Where the arrays come from: a {@link Scratch}'s, reused from text to text, or new ones. */
  private final Scratch.Buffers arrays;

  /**
   * Sized for the text: its tokens hold about as many characters as it has (more only for CJK bigrams),
   * and there is a token per few characters; so a 100 KB body does not grow the arrays a dozen times.
   */
  private WordTokens(int textLength, Scratch.Buffers arrays) {
    this.arrays = arrays;
    chars = arrays.chars(Math.max(256, textLength));
    ends = arrays.ends(Math.max(64, textLength / 6));
    increments = arrays.increments(ends.length);
  }

  /** The common part of the analysis of {@code text}, run once. */
  static WordTokens of(String text) {
    Scratch.Buffers arrays = new Scratch.Buffers();
    WordTokens w = plain(java.util.List.of(text), text.length(), arrays);
    return w != null ? w : of(new StringReader(text), text.length(), cjkFree(text), arrays);
  }

  /** The common part of the analysis of {@code text} (at most {@link #MAX_CHARS}), read in place. */
  static WordTokens of(MessageDocument.Lines text) {
    return of(text, new Scratch(), "");
  }

  /**
   * {@link #of(MessageDocument.Lines)} in {@code scratch}'s arrays for the text named {@code name} (a
   * document's body, its subject...), which the tokens use until the next document's text of that name
   * takes them: their streams must have been read by then.
   */
  static WordTokens of(MessageDocument.Lines text, Scratch scratch, String name) {
    Scratch.Buffers arrays = scratch.arrays(name);
    WordTokens w = plain(text.parts(), (int) text.length(), arrays);
    return w != null ? w : of(text.reader(), (int) text.length(), text.cjkFree(), arrays);
  }

  /**
   * The arrays the tokens of a document's texts are kept in, kept from one document to the next by the
   * thread that indexes them: a 100 KB body's tokens took ~0.4 MB of new arrays per message, most of what
   * its document cost the heap (bench/README.md, 2026-12-06 17:29). One set per kind of text (the body's,
   * the subject's...), so that each is about as large as the next message's text of its kind, handed to
   * the next document's text of that kind once the last one's streams have been read (IndexWriter reads
   * them in {@code addDocument}).
   */
  static final class Scratch {
    private final java.util.Map<String, Buffers> sets = new java.util.HashMap<>();

    private Buffers arrays(String name) {
      return sets.computeIfAbsent(name, n -> new Buffers());
    }

    /** One text's arrays, each at least as long as asked (their contents are not cleared). */
    static final class Buffers {
      private char[] chars = new char[0];
      private char[] part = new char[0];
      private int[] ends = new int[0];
      private int[] increments = new int[0];
      private int[] ids = new int[0];
      private int[] firsts = new int[0];
      private int[] table = new int[0];

      char[] chars(int n) {
        return chars = chars.length >= n ? chars : new char[n];
      }

      char[] part(int n) {
        return part = part.length >= n ? part : new char[n];
      }

      int[] ends(int n) {
        return ends = atLeast(ends, n);
      }

      int[] increments(int n) {
        return increments = atLeast(increments, n);
      }

      int[] ids(int n) {
        return ids = atLeast(ids, n);
      }

      int[] firsts(int n) {
        return firsts = atLeast(firsts, n);
      }

      int[] table(int n) {
        return table = atLeast(table, n);
      }

      private static int[] atLeast(int[] a, int n) {
        return a.length >= n ? a : new int[n];
      }

      /** Keeps arrays a text grew, so that the next text of its size does not grow them again. */
      void keep(char[] c, int[] e, int[] i) {
        chars = c;
        ends = e;
        increments = i;
      }

      void keepFirsts(int[] f) {
        firsts = f;
      }
    }
  }

  /**
   * The word breaking of a text made of {@code parts}, each followed by a line break (which no token
   * crosses, so each part is broken alone), by {@link PlainBreaking}; null when it cannot tell, or when
   * the text is not {@link #cjkFree} (which that finds out on the way, looking at the characters it does
   * not know anyway).
   */
  private static WordTokens plain(java.util.List<String> parts, int length, Scratch.Buffers arrays) {
    WordTokens w = new WordTokens(length, arrays);
    w.raw = true;
    char[] buf = arrays.part(0);
    for (String p : parts) {
      if (p.length() > buf.length) {
        buf = arrays.part(Math.max(p.length(), Math.min(length, 1 << 16)));
      }
      p.getChars(0, p.length(), buf, 0);
      if (!PlainBreaking.split(buf, p.length(), w::add)) {
        return null; // the scanner's tokens go into the same arrays again
      }
    }
    return w;
  }

  /** {@code plain}: the text is {@link #cjkFree}. */
  private static WordTokens of(java.io.Reader text, int length, boolean plain, Scratch.Buffers arrays) {
    WordTokens w = new WordTokens(length, arrays);
    w.raw = plain;
    try (TokenStream ts = plain ? Analyzers.breaking(text) : Analyzers.common(text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        w.add(term.buffer(), 0, term.length(), inc.getPositionIncrement());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a reader of strings does not fail
    }
    return w;
  }

  /**
   * Whether no character of {@code text} is one the word breaking types as Han, Hiragana, Katakana or
   * Hangul (the tokens {@code CJKBigramFilter} acts on) or one {@code CJKWidthFilter} changes. Generously:
   * Hangul Jamo U+1100–U+11FF; U+2E80–U+DFFF (CJK radicals, symbols and punctuation, kana, Hangul
   * compatibility Jamo, Han, Yi, Hangul syllables, and the surrogates of everything outside the Basic
   * Multilingual Plane); CJK compatibility ideographs U+F900–U+FAFF; half- and full-width forms
   * U+FF00–U+FFEF. Latin, Greek, Cyrillic, Hebrew, Arabic, Indic scripts, general punctuation, currency
   * and other symbols are outside these.
   */
  static boolean cjkFree(String text) {
    for (int i = 0, n = text.length(); i < n; i++) {
      if (cjk(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code c} is one of the characters a {@link #cjkFree} text has none of. */
  static boolean cjk(char c) {
    return c >= '\u1100' && (c <= '\u11FF' || (c >= '\u2E80' && c <= '\uDFFF')
        || (c >= '\uF900' && c <= '\uFAFF') || (c >= '\uFF00' && c <= '\uFFEF'));
  }

  private void add(char[] b, int off, int length, int increment) {
    if (charCount + length > chars.length) {
      chars = Arrays.copyOf(chars, Math.max(chars.length * 2, charCount + length));
      arrays.keep(chars, ends, increments);
    }
    System.arraycopy(b, off, chars, charCount, length);
    charCount += length;
    if (count == ends.length) {
      ends = Arrays.copyOf(ends, count * 2);
      increments = Arrays.copyOf(increments, count * 2);
      arrays.keep(chars, ends, increments);
    }
    ends[count] = charCount;
    increments[count] = increment;
    count++;
  }

  /** The tokens of {@code w.<field>}. */
  TokenStream words() {
    BytesRef[] terms = finish(Analyzers.words(replay(distinct(), distinctCount)));
    return terms.length == distinctCount ? new Mapped(terms) : Analyzers.words(replay(every(), count));
  }

  /**
   * The tokens of {@code st.<field>}, which keeps only which documents hold a term ({@link
   * MessageDocument}): each distinct token's term once ({@link Distinct}), so Lucene hashes each term
   * once instead of at every occurrence.
   */
  TokenStream stems() {
    BytesRef[] terms = finish(Analyzers.stems(replay(distinct(), distinctCount)));
    return terms.length == distinctCount ? new Distinct(terms) : Analyzers.stems(replay(every(), count));
  }

  /** The given tokens as the common part of the chain leaves them (lower-cased here when {@link #raw}). */
  private TokenStream replay(int[] which, int n) {
    TokenStream t = new Replay(which, n);
    return raw ? new LowerCaseFilter(t) : t;
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
    ids = arrays.ids(count);
    firsts = arrays.firsts(Math.max(16, count / 4));
    int size = Integer.highestOneBit(Math.max(8, count) * 2) * 2;
    int[] table = arrays.table(size);
    Arrays.fill(table, 0, size, -1);
    int mask = size - 1;
    int n = 0;
    for (int i = 0; i < count; i++) {
      int start = i == 0 ? 0 : ends[i - 1];
      int end = ends[i];
      // 31 * h + c per character (String's hash of the term), four characters per step: the chain of
      // dependent multiplications a quarter as long
      int h = 0;
      int k = start;
      for (; k + 4 <= end; k += 4) {
        h = h * 923_521 + chars[k] * 29_791 + chars[k + 1] * 961 + chars[k + 2] * 31 + chars[k + 3];
      }
      for (; k < end; k++) {
        h = 31 * h + chars[k];
      }
      int slot = (h ^ (h >>> 16)) & mask;
      while (table[slot] >= 0 && !sameTerm(firsts[table[slot]], start, end)) {
        slot = (slot + 1) & mask;
      }
      if (table[slot] < 0) {
        if (n == firsts.length) {
          firsts = Arrays.copyOf(firsts, n * 2);
          arrays.keepFirsts(firsts);
        }
        firsts[n] = i;
        table[slot] = n++;
      }
      ids[i] = table[slot];
    }
    distinctCount = n;
    return firsts;
  }

  /** Each token's distinct token ({@link #distinct}; the first {@link #count} of the array). */
  private int[] ids;
  /** The distinct tokens' first occurrences (the first {@link #distinctCount} of the array). */
  private int[] firsts;
  private int distinctCount;

  private boolean sameTerm(int token, int start, int end) {
    int s = token == 0 ? 0 : ends[token - 1];
    return Arrays.equals(chars, s, ends[token], chars, start, end);
  }

  /**
   * The terms {@code chain} makes of the distinct tokens, in their order, as the UTF-8 bytes Lucene
   * indexes ({@link CharTermAttribute}'s own encoding): the 1:1 map that {@link Mapped} replays.
   */
  private static BytesRef[] finish(TokenStream chain) {
    List<BytesRef> out = new ArrayList<>();
    try (chain) {
      TermToBytesRefAttribute term = chain.addAttribute(TermToBytesRefAttribute.class);
      chain.reset();
      while (chain.incrementToken()) {
        out.add(BytesRef.deepCopyOf(term.getBytesRef()));
      }
      chain.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // replayed tokens do not fail
    }
    return out.toArray(BytesRef[]::new);
  }

  /** The given tokens again ({@code which}: their numbers), each with its term and position increment. */
  private final class Replay extends TokenStream {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final PositionIncrementAttribute inc = addAttribute(PositionIncrementAttribute.class);
    private final int[] which;
    private final int n;
    private int at;

    Replay(int[] which, int n) {
      this.which = which;
      this.n = n;
    }

    @Override
    public boolean incrementToken() {
      if (at == n) {
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

  /**
   * Every token in order, its term the chain's result for its distinct token (as bytes, {@link
   * TermBytes}), its own position increment. Only those two attributes are set per token; the others
   * that Lucene's indexing adds (offsets, term frequency) keep their defaults, as nothing here sets them.
   */
  private final class Mapped extends TokenStream {
    private final TermBytes term = new TermBytes();
    private final PositionIncrementAttribute inc;
    private final BytesRef[] terms;
    private int at;

    Mapped(BytesRef[] terms) {
      addAttributeImpl(term);
      inc = addAttribute(PositionIncrementAttribute.class);
      this.terms = terms;
    }

    @Override
    public boolean incrementToken() {
      if (at == count) {
        return false;
      }
      term.bytes = terms[ids[at]];
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

  /** Each distinct token's term once, in the order of first occurrence (two may give one stem). */
  private final class Distinct extends TokenStream {
    private final TermBytes term = new TermBytes();
    private final BytesRef[] terms;
    private int at;

    Distinct(BytesRef[] terms) {
      addAttributeImpl(term);
      this.terms = terms;
    }

    @Override
    public boolean incrementToken() {
      if (at == distinctCount) {
        return false;
      }
      term.bytes = terms[at++];
      return true;
    }

    @Override
    public void reset() throws IOException {
      super.reset();
      at = 0;
    }
  }

  /** A term given as its bytes, set per token (a {@link Mapped} or {@link Distinct} stream's). */
  private static final class TermBytes extends AttributeImpl implements TermToBytesRefAttribute {
    BytesRef bytes = new BytesRef();

    @Override
    public BytesRef getBytesRef() {
      return bytes;
    }

    @Override
    public void clear() {
      // set in full for every token
    }

    @Override
    public void reflectWith(AttributeReflector reflector) {
      reflector.reflect(TermToBytesRefAttribute.class, "bytes", BytesRef.deepCopyOf(bytes));
    }

    @Override
    public void copyTo(AttributeImpl target) {
      ((TermBytes) target).bytes = bytes;
    }
  }
}
