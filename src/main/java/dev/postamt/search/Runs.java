package dev.postamt.search;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.MultiPhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.StringHelper;
import org.apache.lucene.util.UnicodeUtil;

/**
 * Substring search over a body as an exact index query with one posting per word rather than one per
 * character ({@link Trigrams}, which the header fields keep). A {@link Trigrams#join joined} text is cut
 * into tokens: each <em>run</em> (a longest sequence of letters and digits, {@link Character#isLetterOrDigit})
 * and each other character on its own; every token takes the next position, and a {@link
 * Trigrams#SEPARATOR} between two strings takes a position without a token, so no phrase spans it.
 *
 * <p>A needle (folded as the text, no separator: {@link Trigrams#searchable}) is cut the same way into
 * {@code n0 … nk}. Because a run is a longest one, the needle occurs in the text exactly when:
 *
 * <ul>
 *   <li>{@code k = 0}, {@code n0} a run: some token contains it (the text's run around it may be longer
 *       on both sides);
 *   <li>else: there is a position {@code p} whose token ends with {@code n0} (a run may begin earlier in
 *       the text; the character after it is {@code n1}, not a letter or digit) or equals it (a single
 *       character), the tokens at {@code p+1 … p+k-1} equal {@code n1 … n(k-1)}, and the token at {@code
 *       p+k} begins with {@code nk} (or equals it).
 * </ul>
 *
 * The ends of the second case are expanded against the index's terms ({@link #answer}), which makes the
 * query depend on the reader. A run longer than {@link #MAX_RUN} is indexed in pieces of that length: a
 * needle across a cut is missed, never found where it is not (a piece is followed by a run, not by the
 * character a needle's run is followed by); {@link MessageDocument} gives such a body its gram set too,
 * which sends it to be read. The same holds where a long body's positional start ends.
 */
final class Runs {
  private Runs() {}

  /** The longest run indexed as one token; longer ones are cut (see the class comment). */
  static final int MAX_RUN = 1024;
  /** At most this many index terms stand for an end of a needle; beyond it the end is left out and the matches are read. */
  static final int MAX_EXPANSION = 256;
  /** At most this many of a needle's tokens make a query; a longer needle's matches are read. */
  static final int MAX_TOKENS = 256;

  /** Whether {@code c} belongs to a run. */
  static boolean isRun(char c) {
    return c < 0x80 ? (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')
        : Character.isLetterOrDigit(c);
  }

  /** The length of the longest run in {@code text[0, end)}. */
  static int longestRun(char[] text, int end) {
    int longest = 0;
    int run = 0;
    for (int i = 0; i < end; i++) {
      if (isRun(text[i])) {
        run++;
        if (run > longest) {
          longest = run;
        }
      } else {
        run = 0;
      }
    }
    return longest;
  }

  /** The tokens of {@code text[0, end)} (see the class comment). */
  static TokenStream stream(char[] text, int end) {
    return new RunStream(text, end);
  }

  /** One token of a needle. */
  record Token(String text, boolean run) {}

  /** A needle cut into tokens as the text is (a run of a needle is not cut at {@link #MAX_RUN}). */
  static List<Token> tokens(String needle) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < needle.length()) {
      int j = i + 1;
      boolean run = isRun(needle.charAt(i));
      if (run) {
        while (j < needle.length() && isRun(needle.charAt(j))) {
          j++;
        }
      }
      out.add(new Token(needle.substring(i, j), run));
      i = j;
    }
    return out;
  }

  /**
   * The documents whose {@code field} holds {@code needle} where it was indexed ({@code certain}), and
   * when the index cannot say exactly, a query for every other document that may hold it ({@code maybe},
   * to be read; null when {@code certain} is exact).
   */
  record Answer(Query certain, Query maybe) {}

  /** The answer for a {@link Trigrams#searchable} needle over {@code field} of {@code reader}. */
  static Answer answer(String field, String needle, IndexReader reader) throws IOException {
    List<Token> tokens = tokens(needle);
    boolean cut = tokens.size() > MAX_TOKENS;
    if (cut) {
      tokens = tokens.subList(0, MAX_TOKENS);
    }
    boolean exact = !cut;
    if (tokens.size() == 1) { // never cut
      Token t = tokens.getFirst();
      if (!t.run()) {
        return new Answer(new TermQuery(new Term(field, t.text())), null);
      }
      List<BytesRef> terms = matching(reader, field, Match.CONTAINS, t.text(), Integer.MAX_VALUE);
      return new Answer(terms.isEmpty() ? new MatchNoDocsQuery() : new TermInSetQuery(field, terms), null);
    }
    MultiPhraseQuery.Builder b = new MultiPhraseQuery.Builder();
    int last = tokens.size() - 1;
    boolean any = false;
    for (int i = 0; i <= last; i++) {
      Token t = tokens.get(i);
      Term[] terms;
      if (t.run() && i == 0) {
        terms = expand(reader, field, Match.ENDS, t.text());
      } else if (t.run() && i == last && !cut) { // a needle cut at MAX_TOKENS ends in a whole token
        terms = expand(reader, field, Match.STARTS, t.text());
      } else {
        terms = new Term[] {new Term(field, t.text())};
      }
      if (terms == null) { // too many: left out, the matches are read
        exact = false;
        continue;
      }
      if (terms.length == 0) {
        return new Answer(new MatchNoDocsQuery(), null);
      }
      b.add(terms, i);
      any = true;
    }
    if (!any) { // cannot happen (two runs never stand side by side), but never an empty phrase
      return new Answer(new MatchNoDocsQuery(), null);
    }
    Query q = b.build();
    return exact ? new Answer(q, null) : new Answer(new MatchNoDocsQuery(), q);
  }

  /**
   * The answer over a field holding a text's {@link #distinct} tokens (no positions): exact ({@code
   * certain}) for a needle that is one run or one other character, since the text holds it exactly when
   * one of its tokens does; for a longer needle only the documents that hold each of its pieces, to be
   * read ({@code maybe}).
   */
  static Answer setAnswer(String field, String needle, IndexReader reader) throws IOException {
    List<Token> tokens = tokens(needle);
    if (tokens.size() == 1) {
      return answer(field, needle, reader);
    }
    if (tokens.size() > MAX_TOKENS) {
      tokens = tokens.subList(0, MAX_TOKENS);
    }
    org.apache.lucene.search.BooleanQuery.Builder b = new org.apache.lucene.search.BooleanQuery.Builder();
    Set<String> exact = new java.util.HashSet<>();
    int last = tokens.size() - 1;
    for (int i = 0; i <= last; i++) {
      Token t = tokens.get(i);
      Query q;
      if (t.run() && (i == 0 || i == last)) {
        List<BytesRef> terms = matching(reader, field, i == 0 ? Match.ENDS : Match.STARTS, t.text(), MAX_EXPANSION);
        if (terms == null) {
          continue; // too many: left out of the filter
        }
        if (terms.isEmpty()) {
          return new Answer(new MatchNoDocsQuery(), null);
        }
        q = new TermInSetQuery(field, terms);
      } else if (exact.add(t.text())) {
        q = new TermQuery(new Term(field, t.text()));
      } else {
        continue;
      }
      b.add(q, org.apache.lucene.search.BooleanClause.Occur.FILTER);
    }
    return new Answer(new MatchNoDocsQuery(), b.build());
  }

  /**
   * The distinct tokens of {@code text} (its runs and its other characters but the separator), each once
   * in the order of first sight, for a field without positions; null when a run is longer than {@link
   * #MAX_RUN} (the caller indexes the text's grams instead: a set of cut runs would miss a needle across
   * a cut).
   */
  static TokenStream distinct(char[] text) {
    return distinct(text, text.length);
  }

  /** {@link #distinct(char[])} of {@code text[0, length)}. */
  static TokenStream distinct(char[] text, int length) {
    return distinct(text, length, null);
  }

  /**
   * {@link #distinct(char[], int)}, and with {@code pairs} also {@link Pairs#stream} of the same text into
   * it: each distinct token's characters and pairs when it is first seen, and the pair where each token
   * meets the next. Incomplete when this returns null.
   */
  static TokenStream distinct(char[] text, int length, Pairs.Set pairs) {
    int[] table = new int[256]; // index + 1 into starts/lengths, 0 empty
    int[] starts = new int[64];
    int[] lengths = new int[64];
    int n = 0;
    int at = 0;
    while (at < length) {
      char c = text[at];
      if (c == Trigrams.SEPARATOR) {
        at++;
        continue;
      }
      int from = at;
      int to = from + 1;
      if (isRun(c)) {
        while (to < length && isRun(text[to])) {
          to++;
        }
        if (to - from > MAX_RUN) {
          return null;
        }
      }
      at = to;
      if (pairs != null && to < length) {
        pairs.pair(text[to - 1], text[to]);
      }
      int len = to - from;
      int mask = table.length - 1;
      int slot = slot(text, from, len, mask);
      boolean seen = false;
      while (table[slot] != 0) {
        int k = table[slot] - 1;
        if (lengths[k] == len && Arrays.equals(text, starts[k], starts[k] + len, text, from, to)) {
          seen = true;
          break;
        }
        slot = (slot + 1) & mask;
      }
      if (seen) {
        continue;
      }
      if (pairs != null) {
        pairs.add(text, from, to);
      }
      if (n == starts.length) {
        starts = Arrays.copyOf(starts, n * 2);
        lengths = Arrays.copyOf(lengths, n * 2);
      }
      starts[n] = from;
      lengths[n] = len;
      table[slot] = ++n;
      if (n * 2 >= table.length) {
        table = rehash(text, starts, lengths, n, table.length * 2);
      }
    }
    return new SetStream(text, starts, lengths, n);
  }

  /**
   * The table slot of {@code text[from, from+len)}: a hash of its length and its first and last eight
   * characters (a long run costs no more than a short one; runs alike there are told apart by comparing).
   */
  private static int slot(char[] text, int from, int len, int mask) {
    int hash = len;
    int head = Math.min(len, 8);
    for (int i = 0; i < head; i++) {
      hash = 31 * hash + text[from + i];
    }
    for (int i = Math.max(head, len - 8); i < len; i++) {
      hash = 31 * hash + text[from + i];
    }
    return (hash * 0x9E3779B9 >>> 8) & mask;
  }

  private static int[] rehash(char[] text, int[] starts, int[] lengths, int n, int cap) {
    int[] t = new int[cap];
    int mask = cap - 1;
    for (int k = 0; k < n; k++) {
      int slot = slot(text, starts[k], lengths[k], mask);
      while (t[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      t[slot] = k + 1;
    }
    return t;
  }

  /**
   * Terms given as pieces of a text (those {@link #distinct} found, or {@link Pairs}'), one position apart
   * (positions are not indexed).
   */
  static final class SetStream extends TokenStream {
    private final char[] text;
    private final int[] starts;
    private final int[] lengths;
    private final int n;
    private final Trigrams.GramBytes term = new Trigrams.GramBytes(0); // as long as the longest term needs
    private int at;

    SetStream(char[] text, int[] starts, int[] lengths, int n) {
      this.text = text;
      this.starts = starts;
      this.lengths = lengths;
      this.n = n;
      addAttributeImpl(term);
      addAttribute(PositionIncrementAttribute.class);
    }

    @Override
    public boolean incrementToken() {
      if (at == n) {
        return false;
      }
      term.encode(text, starts[at], lengths[at]);
      at++;
      return true;
    }

    @Override
    public void reset() {
      at = 0;
    }
  }

  /** How an index term is compared with a needle's run. */
  enum Match {
    STARTS,
    ENDS,
    CONTAINS
  }

  /** The terms of {@code field} that match {@code run}, null when more than {@link #MAX_EXPANSION}. */
  private static Term[] expand(IndexReader reader, String field, Match how, String run) throws IOException {
    List<BytesRef> found = matching(reader, field, how, run, MAX_EXPANSION);
    if (found == null) {
      return null;
    }
    Term[] out = new Term[found.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new Term(field, found.get(i));
    }
    return out;
  }

  /**
   * The distinct terms of {@code field} over all segments that start with, end with or contain {@code
   * run} (compared as UTF-8 bytes, which for whole characters is comparing the characters); null when
   * more than {@code cap}. A prefix is sought in each segment's term dictionary; the others are looked
   * for in the segment's {@link TermTexts}, or where that is too large, in the dictionary term by term
   * (a third of the time Lucene's automaton for a leading wildcard takes over it).
   */
  static List<BytesRef> matching(IndexReader reader, String field, Match how, String run, int cap) throws IOException {
    return matching(reader, field, how, run, cap, true);
  }

  /** {@link #matching}; {@code texts} false: every segment read term by term (tests compare the two ways). */
  static List<BytesRef> matching(IndexReader reader, String field, Match how, String run, int cap, boolean texts)
      throws IOException {
    byte[] n = run.getBytes(StandardCharsets.UTF_8);
    Set<BytesRef> found = new LinkedHashSet<>();
    java.util.function.Predicate<BytesRef> add = t -> !(found.add(t) && found.size() > cap);
    for (LeafReaderContext leaf : reader.leaves()) {
      Terms terms = leaf.reader().terms(field);
      if (terms == null) {
        continue;
      }
      String text = how == Match.STARTS || !texts ? null : TermTexts.of(leaf.reader(), field);
      if (text != null) {
        TermTexts.find(text, n, how == Match.ENDS, add);
      } else {
        read(terms, how, n, add);
      }
      if (found.size() > cap) {
        return null;
      }
    }
    return new ArrayList<>(found);
  }

  /** Hands each term of {@code terms} that matches {@code n} to {@code found} (a copy) until it returns false. */
  private static void read(Terms terms, Match how, byte[] n, java.util.function.Predicate<BytesRef> found)
      throws IOException {
    BytesRef needle = new BytesRef(n);
    TermsEnum te = terms.iterator();
    BytesRef t;
    if (how == Match.STARTS) { // sought: the terms with the prefix stand together from there
      t = te.seekCeil(needle) == TermsEnum.SeekStatus.END ? null : te.term();
    } else {
      t = te.next();
    }
    for (; t != null; t = te.next()) {
      boolean match = switch (how) {
        case STARTS -> StringHelper.startsWith(t, needle);
        case ENDS -> StringHelper.endsWith(t, needle);
        case CONTAINS -> contains(t, n);
      };
      if (how == Match.STARTS && !match) {
        return;
      }
      if (match && !found.test(BytesRef.deepCopyOf(t))) {
        return;
      }
    }
  }

  /** Whether the bytes of {@code t} hold {@code n}. */
  private static boolean contains(BytesRef t, byte[] n) {
    byte first = n[0];
    byte[] b = t.bytes;
    outer:
    for (int i = t.offset, last = t.offset + t.length - n.length; i <= last; i++) {
      if (b[i] != first) {
        continue;
      }
      for (int k = 1; k < n.length; k++) {
        if (b[i + k] != n[k]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * The tokens of {@code text[0, end)}. A token of ASCII characters is handed to Lucene as a slice of
   * one byte array made per text; others are encoded as Lucene's {@code CharTermAttribute} would ({@link
   * UnicodeUtil#UTF16toUTF8}, an unpaired surrogate as U+FFFD), so the terms are those of a character
   * stream.
   */
  private static final class RunStream extends TokenStream {
    private final char[] text;
    private final int end;
    /** The text's characters below U+0080 as bytes, -1 for the others. */
    private final byte[] ascii;
    private final Trigrams.GramBytes term = new Trigrams.GramBytes(0); // only a run with other characters needs it
    private final PositionIncrementAttribute inc;
    private int at;

    RunStream(char[] text, int end) {
      this.text = text;
      this.end = end;
      ascii = new byte[end];
      for (int i = 0; i < end; i++) {
        char c = text[i];
        ascii[i] = c < 0x80 ? (byte) c : -1;
      }
      addAttributeImpl(term);
      inc = addAttribute(PositionIncrementAttribute.class);
    }

    @Override
    public boolean incrementToken() {
      int gap = 1;
      while (at < end && text[at] == Trigrams.SEPARATOR) {
        gap++;
        at++;
      }
      if (at == end) {
        return false;
      }
      int from = at;
      int to = from + 1;
      boolean plain = ascii[from] >= 0;
      if (isRun(text[from])) {
        int limit = Math.min(end, from + MAX_RUN);
        while (to < limit && isRun(text[to])) {
          plain &= ascii[to] >= 0;
          to++;
        }
      }
      if (plain) {
        term.bytes.bytes = ascii;
        term.bytes.offset = from;
        term.bytes.length = to - from;
      } else {
        term.encode(text, from, to - from);
      }
      inc.setPositionIncrement(gap);
      at = to;
      return true;
    }

    @Override
    public void reset() {
      at = 0;
    }
  }
}
