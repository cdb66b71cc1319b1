package dev.postamt.filter.checksum;

import dev.postamt.filter.ScannedMessage;
import java.util.Arrays;
import java.util.Locale;

/**
 * A fuzzy signature of a message's text that survives the changes spammers make from one copy to the
 * next: the text is reduced to its words (lower-case letters only: numbers, punctuation, markup and
 * line breaks go), consecutive words are taken three at a time (shingles), and the set of shingles is
 * summarised by {@value #SIZE} min-hashes (Broder, "On the resemblance and containment of documents",
 * 1997): the share of equal positions of two signatures estimates the Jaccard similarity of their
 * shingle sets. A changed name or a few edited words change a handful of shingles; a different message
 * shares almost none.
 *
 * <p>Lookups use locality-sensitive hashing: the signature is cut into {@value #BANDS} bands of {@value
 * #ROWS} hashes, each band hashed to one key; two messages whose similarity is 0.6 share a band key
 * with a probability of 0.999, unrelated ones almost never.
 */
public final class FuzzyHash {
  static final int SIZE = 32;
  static final int ROWS = 2;
  static final int BANDS = SIZE / ROWS;
  static final int SHINGLE = 3;
  /** Fewer words than this say too little to compare: the text is not hashed. */
  static final int MIN_WORDS = 20;
  static final int MAX_WORDS = 5000;
  private static final long[] SEEDS = new long[SIZE];

  static {
    long s = 0x5eed_0f_f022_1e5L;
    for (int i = 0; i < SIZE; i++) {
      s += 0x9e3779b97f4a7c15L;
      SEEDS[i] = mix(s);
    }
  }

  private FuzzyHash() {}

  /**
   * The signature of {@code m}'s text (computed once per message), or null when the text is too short:
   * the text parts, each followed by a line break, up to the part that passes 200,000 characters. The
   * parts are read one by one, not joined first: a word never reaches over the line break between two
   * parts, and lower-casing a part alone gives what it gives in the joined text (a final sigma looks no
   * further than the line break either).
   */
  public static long[] of(ScannedMessage m) {
    long[] sig = m.derived("checksum.signature", () -> {
      Words w = new Words();
      long chars = 0;
      for (ScannedMessage.TextPart t : m.textParts()) {
        w.read(t.text());
        chars += t.text().length() + 1;
        if (chars > 200_000) {
          break;
        }
      }
      long[] s = w.signature();
      return s == null ? new long[0] : s;
    });
    return sig.length == 0 ? null : sig;
  }

  /** The signature of a text, or null when it has fewer than {@value #MIN_WORDS} words. */
  static long[] ofText(String text) {
    Words w = new Words();
    w.read(text);
    return w.signature();
  }

  /** The word hashes of a text read in pieces that no word reaches over. */
  private static final class Words {
    long[] words = new long[256];
    int n;

    void read(String text) {
      int before = n;
      if (!read(text, true)) {
        n = before; // a character above U+00FF: lower-cased as a whole string, as it always was
        read(text.toLowerCase(Locale.ROOT), false);
      }
    }

    /**
     * Adds the hash of every word of {@code text}: letters, digits and apostrophes, hashed as they are read
     * (FNV-1a), a word holding a digit or shorter than two characters dropped. With {@code lowerLatin1} the
     * text is lower-cased as it is read, which is {@code text.toLowerCase(Locale.ROOT)} without the copy
     * for a text whose characters are all at most U+00FF: for those, {@code String.toLowerCase} maps each
     * character alone ({@link Character#toLowerCase(char)}, never to more than one character; the special
     * cases, final sigma and the dotted capital I, lie above U+00FF). False, with words possibly added, at
     * the first character above U+00FF: the caller starts again with the whole text lower-cased.
     */
    private boolean read(String text, boolean lowerLatin1) {
      int i = 0;
      int len = text.length();
      while (i < len && n < MAX_WORDS) {
        char c = text.charAt(i);
        if (lowerLatin1) {
          if (c > 0xff) {
            return false;
          }
          c = lowerLatin1(c);
        }
        if (!letter(c)) {
          i++;
          continue;
        }
        boolean digits = false;
        long h = 0xcbf29ce484222325L;
        int start = i;
        while (i < len) {
          c = text.charAt(i);
          if (lowerLatin1) {
            if (c > 0xff) {
              return false;
            }
            c = lowerLatin1(c);
          }
          int kind = c < 128 ? ASCII[c] : Character.isLetter(c) ? 1 : Character.isDigit(c) ? 2
              : Character.isLetterOrDigit(c) ? 1 : 0;
          if (kind == 0 && c != '\'') {
            break;
          }
          digits |= kind == 2;
          h ^= c;
          h *= 0x100000001b3L;
          i++;
        }
        if (digits || i - start < 2) {
          continue; // numbers and codes change from copy to copy
        }
        add(h);
      }
      return true;
    }

    private static char lowerLatin1(char c) {
      if (c < 128) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
      }
      return Character.toLowerCase(c);
    }

    private void add(long h) {
      if (n == words.length) {
        words = Arrays.copyOf(words, n * 2);
      }
      words[n++] = mix(h);
    }

    long[] signature() {
      if (n < MIN_WORDS) {
        return null;
      }
      long[] min = new long[SIZE];
      Arrays.fill(min, Long.MAX_VALUE);
      for (int k = 0; k + SHINGLE <= n; k++) {
        long sh = words[k];
        for (int j = 1; j < SHINGLE; j++) {
          sh = mix(sh * 31 + words[k + j]);
        }
        for (int f = 0; f < SIZE; f++) {
          long v = mix(sh ^ SEEDS[f]);
          if (v < min[f]) {
            min[f] = v;
          }
        }
      }
      return min;
    }
  }

  /** The share of equal positions: an estimate of the Jaccard similarity of the two shingle sets. */
  public static double similarity(long[] a, long[] b) {
    int same = 0;
    for (int i = 0; i < SIZE; i++) {
      if (a[i] == b[i]) {
        same++;
      }
    }
    return (double) same / SIZE;
  }

  /** The band keys of a signature, for the lookup of candidates. */
  public static long[] bands(long[] sig) {
    long[] out = new long[BANDS];
    for (int b = 0; b < BANDS; b++) {
      long h = mix(b + 1);
      for (int r = 0; r < ROWS; r++) {
        h = mix(h ^ sig[b * ROWS + r]);
      }
      out[b] = h;
    }
    return out;
  }

  /** Per ASCII character: 1 a letter, 2 a digit, 0 anything else. */
  private static final byte[] ASCII = new byte[128];

  static {
    for (char c = 'a'; c <= 'z'; c++) {
      ASCII[c] = 1;
      ASCII[c - 32] = 1;
    }
    for (char c = '0'; c <= '9'; c++) {
      ASCII[c] = 2;
    }
  }

  private static boolean letter(char c) {
    return c < 128 ? ASCII[c] == 1 : Character.isLetter(c);
  }

  /** The SplitMix64 finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
