package dev.postamt.search;

import java.util.Arrays;
import java.util.List;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.TermToBytesRefAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.AttributeImpl;
import org.apache.lucene.util.AttributeReflector;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.UnicodeUtil;

/**
 * Substring search as an exact index query. A field holds its strings joined by {@link #SEPARATOR},
 * followed by two more separators, and is indexed as the three-character window starting at every
 * position, with that position. Then, for a needle {@code n} without separators:
 *
 * <ul>
 *   <li>length 3 or more: {@code n} occurs at offset {@code p} of some string exactly when the grams
 *       {@code n[i..i+3)} stand at positions {@code p+i} for a set of {@code i} whose windows cover
 *       {@code n} (0, 3, 6, …, and {@code len-3}): each character of {@code n} is then compared. A
 *       phrase query with those explicit positions is that test. No match crosses two strings, since
 *       the needle holds no separator.
 *   <li>length 1 or 2: {@code n} occurs exactly when some gram starts with it; the padding gives every
 *       real character a gram that starts there.
 * </ul>
 *
 * <p>The grams are compared as Lucene terms (UTF-8), in which an unpaired surrogate and U+FFFD look
 * alike; needles with surrogates, U+FFFD or the separator are therefore not {@link #searchable} (the
 * scan answers them), so a match of the query is a match of the substring and nothing else.
 *
 * <p>Positions are what a long text costs: one posting per character. The header fields are short and
 * keep them; a body is indexed as {@link Runs} instead (one posting per word), and a body with a run too
 * long for one token also as the set of its distinct grams without positions ({@link #distinct}: a few
 * thousand terms for 100 KB of prose, a few dozen for repetitive text). The set answers exactly for
 * needles of up to three characters, and for longer ones says "no" when one of the needle's grams is
 * missing ({@link #candidates}); a needle whose grams are all there may or may not be in the text: the
 * message is read.
 */
final class Trigrams {
  private Trigrams() {}

  static final char SEPARATOR = '\uFFFF';
  static final int N = 3;
  /** How much of a body is indexed with positions ({@link Runs}); all of it as a set. */
  static final int POSITIONAL_CHARS = 16 * 1024;
  /** At most this many of a long needle's grams make its {@link #candidates} query (any subset is sound). */
  static final int MAX_CANDIDATE_GRAMS = 64;

  /** Whether {@link #query} answers {@code needle} exactly. */
  static boolean searchable(String needle) {
    if (needle.isEmpty()) {
      return false;
    }
    for (int i = 0; i < needle.length(); i++) {
      char c = needle.charAt(i);
      if (c == SEPARATOR || c == '\uFFFD' || Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** The query that matches documents whose {@code field} contains {@code needle} (see the class comment). */
  static Query query(String field, String needle) {
    int n = needle.length();
    if (n < N) {
      return new PrefixQuery(new Term(field, needle));
    }
    if (n == N) {
      return new TermQuery(new Term(field, needle));
    }
    PhraseQuery.Builder b = new PhraseQuery.Builder();
    for (int i = 0; ; i += N) {
      int at = Math.min(i, n - N);
      b.add(new Term(field, needle.substring(at, at + N)), at);
      if (at == n - N) {
        break;
      }
    }
    return b.build();
  }

  /**
   * Documents whose distinct-gram {@code field} ({@link #distinct}) holds every gram of {@code needle}:
   * all that contain it, and maybe others. For needles of one to three characters exactly those that
   * contain it.
   */
  static Query candidates(String field, String needle) {
    int n = needle.length();
    if (n <= N) {
      return query(field, needle);
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    java.util.Set<String> grams = new java.util.LinkedHashSet<>();
    // the covering grams first (as query() takes them), then the rest, up to the cap
    for (int i = 0; ; i += N) {
      int at = Math.min(i, n - N);
      grams.add(needle.substring(at, at + N));
      if (at == n - N) {
        break;
      }
    }
    for (int i = 0; i + N <= n && grams.size() < MAX_CANDIDATE_GRAMS; i++) {
      grams.add(needle.substring(i, i + N));
    }
    int k = 0;
    for (String g : grams) {
      if (k++ == MAX_CANDIDATE_GRAMS) {
        break;
      }
      b.add(new TermQuery(new Term(field, g)), BooleanClause.Occur.FILTER);
    }
    return b.build();
  }

  /**
   * Each distinct gram of a {@link #join joined} text once, in the order of first occurrence, for a
   * field without positions. Three UTF-16 units pack into a long, and the set is an open-addressing
   * table of longs that starts small and doubles when half full: no object per gram.
   */
  static TokenStream distinct(String joined) {
    return distinct(joined.toCharArray());
  }

  /** {@link #distinct(String)} of a {@link #joinChars joined} text. */
  static TokenStream distinct(char[] joined) {
    return distinct(joined, joined.length);
  }

  /** {@link #distinct(char[])} of {@code joined[0, length)}. */
  static TokenStream distinct(char[] joined, int length) {
    int cap = 1024;
    long[] table = new long[cap];
    long[] order = new long[256];
    int n = 0;
    // the gram at each position packed from its three characters, read again each time: three loads that
    // do not wait for each other, where shifting each character into the gram before made every step wait
    // for the last; a gram equal to the one before (a run of one character: spaces, "-----", "=====") is
    // not looked up
    long previous = 0;
    for (int at = N - 1; at < length; at++) {
      // +1 so that no gram packs to 0, the table's "empty"
      long key = (((long) joined[at - 2] << 32) | ((long) joined[at - 1] << 16) | joined[at]) + 1;
      if (key == previous) { // a run of one character: its grams are all this one
        char c = joined[at];
        while (at + 1 < length && joined[at + 1] == c) {
          at++;
        }
        continue;
      }
      previous = key;
      int mask = table.length - 1;
      int slot = slot(key, mask);
      while (table[slot] != 0 && table[slot] != key) {
        slot = (slot + 1) & mask;
      }
      if (table[slot] != 0) {
        continue;
      }
      table[slot] = key;
      if (n == order.length) {
        order = Arrays.copyOf(order, n * 2);
      }
      order[n++] = key;
      if (n * 2 >= table.length) {
        table = grow(table.length * 2, order, n);
      }
    }
    return new KeyStream(order, n);
  }

  private static int slot(long key, int mask) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> 32) & mask;
  }

  private static long[] grow(int cap, long[] order, int n) {
    long[] t = new long[cap];
    int mask = cap - 1;
    for (int i = 0; i < n; i++) {
      int slot = slot(order[i], mask);
      while (t[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      t[slot] = order[i];
    }
    return t;
  }

  /** The text of a field: the strings joined and padded as the class comment says. */
  static String join(List<String> strings) {
    return new String(joinChars(strings));
  }

  /**
   * {@link #join} as an array of characters, made in one copy: a string holding the separator takes two
   * bytes per character, and building one from a body (Latin-1 strings, one byte each) copied it three
   * times, widening it on the way.
   */
  static char[] joinChars(List<String> strings) {
    return join(strings, false, null, null);
  }

  /**
   * {@link #joinChars} of the {@link SearchText#fold folded} {@code strings}, folding each as it is
   * copied in; {@code foldedLengths} receives each folded string's length. A string of characters below
   * U+0100 is folded in place, one character to one, as {@code String.toLowerCase} folds Latin-1 (the same
   * {@link Character#toLowerCase} of each); any other is folded by {@link SearchText#fold} itself, which
   * may change its length (U+0130, final sigma).
   */
  static char[] joinFolded(List<String> strings, int[] foldedLengths) {
    return join(strings, true, foldedLengths, null);
  }

  /**
   * {@link #joinFolded} into {@code into} when it is long enough (else into a new array); the joined text
   * is the array's first {@code 2 + sum(foldedLengths[i] + 1)} characters, the rest is left as it was.
   */
  static char[] joinFolded(List<String> strings, int[] foldedLengths, char[] into) {
    return join(strings, true, foldedLengths, into);
  }

  /**
   * {@link #joinChars}, or with {@code fold} {@link #joinFolded} (each folded length into {@code
   * foldedLengths}); into {@code into} when it is given and long enough, else into a new array of the
   * joined text's length.
   */
  private static char[] join(List<String> strings, boolean fold, int[] foldedLengths, char[] into) {
    int length = 2;
    for (String s : strings) {
      length += s.length() + 1;
    }
    char[] out = into != null && into.length >= length ? into : new char[length];
    int at = 0;
    int k = 0;
    for (String s : strings) {
      int n = s.length();
      s.getChars(0, n, out, at);
      if (fold) {
        if (!foldLatin1(out, at, at + n)) {
          String f = SearchText.fold(s);
          if (f.length() != n) {
            length += f.length() - n;
            if (out.length < length) {
              out = Arrays.copyOf(out, length);
            }
            n = f.length();
          }
          f.getChars(0, n, out, at);
        }
        foldedLengths[k++] = n;
      }
      at += n;
      out[at++] = SEPARATOR;
    }
    out[at++] = SEPARATOR;
    out[at] = SEPARATOR;
    return into == null && out.length != length ? Arrays.copyOf(out, length) : out;
  }

  /** Folds {@code t[from, to)} in place when all of it is below U+0100; false (part of it folded) if not. */
  private static boolean foldLatin1(char[] t, int from, int to) {
    // ASCII letters first, in a loop without an exit or a call; the rest, if any, in a second pass
    int all = 0;
    for (int i = from; i < to; i++) {
      char c = t[i];
      all |= c;
      t[i] = (char) (c + ((char) (c - 'A') < 26 ? 'a' - 'A' : 0));
    }
    if (all < 0x80) {
      return true;
    }
    for (int i = from; i < to; i++) {
      char c = t[i];
      if (c >= 0x100) {
        return false;
      }
      if (c >= 0x80) {
        t[i] = (char) Character.toLowerCase(c);
      }
    }
    return true;
  }

  /** The grams of {@link #join joined} text, each at the position of its first character. */
  static TokenStream stream(String joined) {
    return stream(joined.toCharArray());
  }

  /** {@link #stream(String)} of a {@link #joinChars joined} text. */
  static TokenStream stream(char[] joined) {
    return new GramStream(joined);
  }

  /** Packed grams (see {@link #distinct}) as terms, one position apart (positions are not indexed). */
  private static final class KeyStream extends TokenStream {
    private final long[] keys;
    private final int n;
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final PositionIncrementAttribute inc = addAttribute(PositionIncrementAttribute.class);
    private int at;

    KeyStream(long[] keys, int n) {
      this.keys = keys;
      this.n = n;
    }

    @Override
    public boolean incrementToken() {
      if (at == n) {
        return false;
      }
      clearAttributes();
      long k = keys[at++] - 1;
      char[] b = term.resizeBuffer(N);
      b[0] = (char) (k >>> 32);
      b[1] = (char) (k >>> 16);
      b[2] = (char) k;
      term.setLength(N);
      inc.setPositionIncrement(1);
      return true;
    }

    @Override
    public void reset() {
      at = 0;
    }
  }

  /**
   * The grams of a text. Lucene indexes a term as its UTF-8 bytes ({@link TermToBytesRefAttribute}); a
   * gram of ASCII characters is handed over as a slice of one byte array made once per text, with no copy
   * per gram, the others are encoded as Lucene's {@code CharTermAttribute} would ({@link
   * UnicodeUtil#UTF16toUTF8}, an unpaired surrogate as U+FFFD), so the terms are the same as a character
   * stream's. No attribute is cleared per gram: position increment (1), frequency and offsets keep their
   * defaults, the term is set every time.
   */
  private static final class GramStream extends TokenStream {
    private final char[] text;
    /** The text's characters below U+0080 as bytes, -1 for the others. */
    private final byte[] ascii;
    private final GramBytes term = new GramBytes();
    private int at;

    GramStream(char[] text) {
      this.text = text;
      ascii = new byte[text.length];
      for (int i = 0; i < text.length; i++) {
        char c = text[i];
        ascii[i] = c < 0x80 ? (byte) c : -1;
      }
      addAttributeImpl(term);
      addAttribute(PositionIncrementAttribute.class);
    }

    @Override
    public boolean incrementToken() {
      if (at + N > ascii.length) {
        return false;
      }
      if ((ascii[at] | ascii[at + 1] | ascii[at + 2]) >= 0) {
        term.bytes.bytes = ascii;
        term.bytes.offset = at;
        term.bytes.length = N;
      } else {
        term.encode(text, at, N); // reads no further than the gram, a surrogate pair cut by its end included
      }
      at++;
      return true;
    }

    @Override
    public void reset() {
      at = 0;
    }
  }

  /** The term of a {@link GramStream} (or a {@link Runs} stream): a slice of bytes, set per token. */
  static final class GramBytes extends AttributeImpl implements TermToBytesRefAttribute {
    final BytesRef bytes = new BytesRef();
    /** Room for a token in UTF-8, made when first needed ({@link #encode}). */
    private byte[] scratch = BytesRef.EMPTY_BYTES;

    /** Room for a gram of three UTF-16 units in UTF-8. */
    GramBytes() {
      this(N);
    }

    /** Room for a token of {@code chars} UTF-16 units in UTF-8 (0: made when a token needs it). */
    GramBytes(int chars) {
      if (chars > 0) {
        scratch = new byte[chars * UnicodeUtil.MAX_UTF8_BYTES_PER_CHAR];
      }
    }

    /**
     * {@code text[from, from+length)} in UTF-8 as the term, in this attribute's array, grown when too short:
     * a stream of ASCII runs hands out slices of its own bytes and never needs one, and a set of pairs
     * needs six bytes (each stream made one of 3 KiB, room for the longest run, per document).
     */
    void encode(char[] text, int from, int length) {
      int need = length * UnicodeUtil.MAX_UTF8_BYTES_PER_CHAR;
      if (scratch.length < need) {
        scratch = new byte[Math.max(need, 2 * scratch.length)];
      }
      bytes.bytes = scratch;
      bytes.offset = 0;
      bytes.length = UnicodeUtil.UTF16toUTF8(text, from, length, scratch);
    }

    @Override
    public BytesRef getBytesRef() {
      return bytes;
    }

    @Override
    public void clear() {
      // set in full for every gram
    }

    @Override
    public void reflectWith(AttributeReflector reflector) {
      reflector.reflect(TermToBytesRefAttribute.class, "bytes", BytesRef.deepCopyOf(bytes));
    }

    @Override
    public void copyTo(AttributeImpl target) {
      throw new UnsupportedOperationException("a gram stream's term is not copied");
    }
  }
}
