package dev.postamt.filter.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The signature stays what it was when it was made with a lookup per character and a second pass per
 * word (signatures of learned spam are stored, so a faster reading must give the same numbers).
 */
class FuzzyHashTest {
  private static final String ALPHABET = "abcdefghij KLMNOP 0123 ''.,\n\tÄäßéİΣσς\u00a0\u0661𝔄-";

  @Test
  void signaturesAreTheSameAsBefore() {
    Random rnd = new Random(3);
    int compared = 0;
    for (int round = 0; round < 400; round++) {
      StringBuilder b = new StringBuilder();
      for (int i = 0, n = rnd.nextInt(3000); i < n; i++) {
        b.append(ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
      }
      String text = b.toString();
      long[] expected = reference(text);
      assertThat(FuzzyHash.ofText(text)).as(text).isEqualTo(expected);
      compared += expected == null ? 0 : 1;
    }
    assertThat(compared).isGreaterThan(100);
  }

  /**
   * Texts of characters up to U+00FF only (Latin-1 capitals, µ, ÿ, ß, digits, a no-break space), which are
   * lowered character by character without a lower-case copy; and the same with one character above
   * U+00FF at a random place, where the reading starts again from the text lowered as a whole.
   */
  @Test
  void latinOneTextsAreLoweredAsStringToLowerCaseDoes() {
    String latin1 = "abcXYZ ÄÖÜäöüÉÈÊéèÞþÐðÆæØøÅåµÿßÀ 0123 '.,\n\t\u00a0-";
    Random rnd = new Random(11);
    int compared = 0;
    for (int round = 0; round < 300; round++) {
      StringBuilder b = new StringBuilder();
      for (int i = 0, n = 60 + rnd.nextInt(3000); i < n; i++) {
        b.append(latin1.charAt(rnd.nextInt(latin1.length())));
      }
      if (round % 2 == 1) {
        b.insert(rnd.nextInt(b.length()), rnd.nextBoolean() ? "İ" : "AΣ ");
      }
      String text = b.toString();
      long[] expected = reference(text);
      assertThat(FuzzyHash.ofText(text)).as(text).isEqualTo(expected);
      compared += expected == null ? 0 : 1;
    }
    assertThat(compared).isGreaterThan(200);
  }

  @Test
  void aMessageIsHashedPartByPartAsItsJoinedTextWas() {
    Random rnd = new Random(5);
    int compared = 0;
    for (int round = 0; round < 60; round++) {
      int parts = 1 + rnd.nextInt(4);
      StringBuilder mail = new StringBuilder("From: a@example.org\r\nSubject: s\r\nMIME-Version: 1.0\r\n"
          + "Content-Type: multipart/mixed; boundary=b\r\n\r\n");
      for (int p = 0; p < parts; p++) {
        StringBuilder b = new StringBuilder();
        int n = round % 10 == 0 ? 120_000 : rnd.nextInt(2000); // some pass the 200,000 characters read
        for (int i = 0; i < n; i++) {
          b.append(ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
        }
        b.append(rnd.nextBoolean() ? "Σ" : "aΣ"); // a final sigma at the end of a part
        mail.append("--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
            .append(b.toString().replace("\n", "\r\n")).append("\r\n");
      }
      mail.append("--b--\r\n");
      dev.postamt.filter.ScannedMessage m =
          dev.postamt.filter.ScannedMessage.of(mail.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      StringBuilder joined = new StringBuilder(); // as the text was joined before
      for (dev.postamt.filter.ScannedMessage.TextPart t : m.textParts()) {
        joined.append(t.text()).append('\n');
        if (joined.length() > 200_000) {
          break;
        }
      }
      long[] expected = reference(joined.toString());
      assertThat(FuzzyHash.of(m)).isEqualTo(expected);
      compared += expected == null ? 0 : 1;
    }
    assertThat(compared).isGreaterThan(20);
  }

  /** The signature as it was computed before (the reference). */
  private static long[] reference(String text) {
    long[] words = new long[256];
    int n = 0;
    String lower = text.toLowerCase(Locale.ROOT);
    int i = 0;
    int len = lower.length();
    while (i < len && n < FuzzyHash.MAX_WORDS) {
      if (!Character.isLetter(lower.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      boolean digits = false;
      while (i < len && (Character.isLetterOrDigit(lower.charAt(i)) || lower.charAt(i) == '\'')) {
        digits |= Character.isDigit(lower.charAt(i));
        i++;
      }
      if (digits || i - start < 2) {
        continue;
      }
      if (n == words.length) {
        words = Arrays.copyOf(words, n * 2);
      }
      long h = 0xcbf29ce484222325L;
      for (int k = start; k < i; k++) {
        h ^= lower.charAt(k);
        h *= 0x100000001b3L;
      }
      words[n++] = FuzzyHash.mix(h);
    }
    if (n < FuzzyHash.MIN_WORDS) {
      return null;
    }
    long[] min = new long[FuzzyHash.SIZE];
    Arrays.fill(min, Long.MAX_VALUE);
    for (int k = 0; k + FuzzyHash.SHINGLE <= n; k++) {
      long sh = words[k];
      for (int j = 1; j < FuzzyHash.SHINGLE; j++) {
        sh = FuzzyHash.mix(sh * 31 + words[k + j]);
      }
      for (int f = 0; f < FuzzyHash.SIZE; f++) {
        long v = FuzzyHash.mix(sh ^ seed(f));
        if (v < min[f]) {
          min[f] = v;
        }
      }
    }
    return min;
  }

  private static long seed(int f) {
    long s = 0x5eed_0f_f022_1e5L;
    for (int i = 0; i <= f; i++) {
      s += 0x9e3779b97f4a7c15L;
    }
    return FuzzyHash.mix(s);
  }
}
