package dev.postamt.search;

import org.apache.lucene.analysis.TokenStream;

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
    return stream(text, text.length);
  }

  /** {@link #stream(char[])} of {@code text[0, length)}. */
  static TokenStream stream(char[] text, int length) {
    Set set = new Set();
    set.add(text, 0, length);
    return set.stream();
  }

  /**
   * The characters and ASCII pairs of pieces of a text, collected: {@link #add} of every piece with
   * {@link #pair} of every two characters where one piece ends and the next begins is {@link #stream} of
   * the whole text. {@link Runs#distinct} adds each distinct run once, with the pairs around it, so a long
   * body's words are not gone through again for every time they occur.
   */
  static final class Set {
    private long low; // characters 0-63
    private long high; // characters 64-127
    private final long[] pairs = new long[256];
    private char[] others = new char[16]; // open addressing, 0 empty (U+0000 is ASCII)
    private int nOthers;

    /** Notes the characters of {@code text[from, to)} and the ASCII pairs within it. */
    void add(char[] text, int from, int to) {
      // The single ASCII characters in two registers; a pair's bit is written only when it is not set yet,
      // and not looked at when it is the pair just before: with a store per character into the same few
      // words the loop waited for each store to reach the next load (a body of one letter repeated, or
      // any text's common pairs): ~2.7 ns a character before, about half now (bench/README.md, 2026-12-06 22:12).
      long low = this.low;
      long high = this.high;
      long[] pairs = this.pairs;
      int last = -1;
      for (int at = from; at < to; at++) {
        char c = text[at];
        if (c < 0x80) {
          long bit = 1L << c;
          long upper = -(long) (c >>> 6); // all ones for 64-127
          high |= bit & upper;
          low |= bit & ~upper;
          if (at + 1 < to && text[at + 1] < 0x80) {
            int p = c << 7 | text[at + 1];
            if (p != last) {
              last = p;
              long pbit = 1L << p;
              if ((pairs[p >>> 6] & pbit) == 0) {
                pairs[p >>> 6] |= pbit;
              }
            }
          }
        } else if (c != Trigrams.SEPARATOR) {
          other(c);
        }
      }
      this.low = low;
      this.high = high;
    }

    /** Notes the pair {@code a b} if both are ASCII (a piece ends with {@code a}, the next begins with {@code b}). */
    void pair(char a, char b) {
      if ((a | b) < 0x80) {
        int p = a << 7 | b;
        pairs[p >>> 6] |= 1L << p;
      }
    }

    private void other(char c) {
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

    /** Each character and pair noted, once. */
    TokenStream stream() {
      int count = Long.bitCount(low) + Long.bitCount(high) + nOthers + bits(pairs);
      char[] terms = new char[2 * count];
      int[] starts = new int[count];
      int[] lengths = new int[count];
      int n = 0;
      int at = 0;
      for (int c = 0; c < 128; c++) {
        if (((c < 64 ? low : high) & (1L << c)) != 0) {
          starts[n] = at;
          lengths[n++] = 1;
          terms[at++] = (char) c;
        }
      }
      for (char o : others) {
        if (o != 0) {
          starts[n] = at;
          lengths[n++] = 1;
          terms[at++] = o;
        }
      }
      for (int p = 0; p < 128 * 128; p++) {
        if ((pairs[p >>> 6] & (1L << p)) != 0) {
          starts[n] = at;
          lengths[n++] = 2;
          terms[at++] = (char) (p >>> 7);
          terms[at++] = (char) (p & 0x7F);
        }
      }
      return new Runs.SetStream(terms, starts, lengths, n);
    }
  }

  private static int bits(long[] set) {
    int n = 0;
    for (long w : set) {
      n += Long.bitCount(w);
    }
    return n;
  }
}
