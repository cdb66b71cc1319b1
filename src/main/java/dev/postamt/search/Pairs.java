package dev.postamt.search;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

/**
 * The set of a body's distinct characters and pairs of adjacent ASCII characters, without positions:
 * the exact answer for a needle of one character or two ASCII ones, which {@link Runs} would have to
 * look up in most of the term dictionary ({@code e} is in most of a mailbox's words: 140 ms per search
 * over 10,000 messages, against 18 ms with positional grams; bench/README.md, 2026-12-06 16:09). A pair
 * across a {@link Trigrams#SEPARATOR} is left out: no needle holds one. ASCII characters and pairs are
 * noted in bit sets (a bit test per character); other characters in a small table.
 */
final class Pairs {
  private Pairs() {}

  /** Whether {@link #stream} answers {@code needle} (folded, {@link Trigrams#searchable}). */
  static boolean answers(String needle) {
    return needle.length() == 1 || (needle.length() == 2 && needle.charAt(0) < 0x80 && needle.charAt(1) < 0x80);
  }

  /** Each distinct character and ASCII pair of {@code text} once. */
  static TokenStream stream(char[] text) {
    long[] singles = new long[2];
    long[] pairs = new long[256];
    char[] others = new char[16]; // open addressing, 0 empty (U+0000 is ASCII)
    int nOthers = 0;
    for (int at = 0; at < text.length; at++) {
      char c = text[at];
      if (c < 0x80) {
        singles[c >>> 6] |= 1L << c;
        if (at + 1 < text.length && text[at + 1] < 0x80) {
          int p = c << 7 | text[at + 1];
          pairs[p >>> 6] |= 1L << p;
        }
      } else if (c != Trigrams.SEPARATOR) {
        int mask = others.length - 1;
        int slot = (c * 0x9E3779B9 >>> 16) & mask;
        while (others[slot] != 0 && others[slot] != c) {
          slot = (slot + 1) & mask;
        }
        if (others[slot] == 0) {
          others[slot] = c;
          if (++nOthers * 2 >= others.length) {
            char[] grown = new char[others.length * 2];
            for (char o : others) {
              if (o != 0) {
                int m = grown.length - 1;
                int sl = (o * 0x9E3779B9 >>> 16) & m;
                while (grown[sl] != 0) {
                  sl = (sl + 1) & m;
                }
                grown[sl] = o;
              }
            }
            others = grown;
          }
        }
      }
    }
    StringBuilder terms = new StringBuilder();
    int[] lengths = new int[Long.bitCount(singles[0]) + Long.bitCount(singles[1]) + nOthers + bits(pairs)];
    int n = 0;
    for (int c = 0; c < 128; c++) {
      if ((singles[c >>> 6] & (1L << c)) != 0) {
        terms.append((char) c);
        lengths[n++] = 1;
      }
    }
    for (char o : others) {
      if (o != 0) {
        terms.append(o);
        lengths[n++] = 1;
      }
    }
    for (int p = 0; p < 128 * 128; p++) {
      if ((pairs[p >>> 6] & (1L << p)) != 0) {
        terms.append((char) (p >>> 7)).append((char) (p & 0x7F));
        lengths[n++] = 2;
      }
    }
    return new TermsStream(terms.toString(), lengths, n);
  }

  private static int bits(long[] set) {
    int n = 0;
    for (long w : set) {
      n += Long.bitCount(w);
    }
    return n;
  }

  /** Terms of one or two characters, one after another in a string. */
  private static final class TermsStream extends TokenStream {
    private final String terms;
    private final int[] lengths;
    private final int n;
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final PositionIncrementAttribute inc = addAttribute(PositionIncrementAttribute.class);
    private int at;
    private int offset;

    TermsStream(String terms, int[] lengths, int n) {
      this.terms = terms;
      this.lengths = lengths;
      this.n = n;
    }

    @Override
    public boolean incrementToken() {
      if (at == n) {
        return false;
      }
      clearAttributes();
      int len = lengths[at++];
      term.setEmpty().append(terms, offset, offset + len);
      offset += len;
      inc.setPositionIncrement(1);
      return true;
    }

    @Override
    public void reset() {
      at = 0;
      offset = 0;
    }
  }
}
