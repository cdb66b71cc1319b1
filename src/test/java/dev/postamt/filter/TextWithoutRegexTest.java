package dev.postamt.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The scan's per-message text helpers that replaced a regex each ({@link Symbol}'s name check and
 * reason, {@link Verdict#oneDecimal}, {@link SpamHeaders#ascii} and its word split) give what the regex
 * gave, on fixed rows and on random strings over the characters that matter.
 */
class TextWithoutRegexTest {
  private static final String ALPHABET = "aZ_09 \t\r\n-é\u0001~\u007f.";

  private static String random(Random r, int max) {
    StringBuilder b = new StringBuilder();
    int n = r.nextInt(max + 1);
    for (int i = 0; i < n; i++) {
      b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  @Test
  void symbolNameAndReasonAsTheRegexes() {
    Random r = new Random(27);
    for (int i = 0; i < 20_000; i++) {
      String s = random(r, 12);
      assertEquals(s.matches("[A-Za-z0-9_]{1,100}"), Symbol.validName(s), s);
      assertEquals(s.replaceAll("[\\r\\n\\t]+", " ").strip(), Symbol.oneLine(s), s);
    }
    assertEquals(true, Symbol.validName("A".repeat(100)));
    assertEquals(false, Symbol.validName("A".repeat(101)));
    assertThrows(IllegalArgumentException.class, () -> new Symbol("BAD NAME", 1, ""));
    assertEquals("a b c", new Symbol("X", 1, " a\r\n\tb\nc\t").reason());
  }

  @Test
  void asciiAndWordsAsTheRegexes() {
    Random r = new Random(5);
    for (int i = 0; i < 20_000; i++) {
      String s = random(r, 14);
      String t = s.replaceAll("[^\\x20-\\x7e]", "?");
      assertEquals(t.length() > SpamHeaders.MAX_REASON ? t.substring(0, SpamHeaders.MAX_REASON - 3) + "..." : t,
          SpamHeaders.ascii(s), s);
      List<String> expected = new ArrayList<>();
      for (String w : s.split(" +")) {
        if (!w.isEmpty()) {
          expected.add(w);
        }
      }
      List<String> got = new ArrayList<>();
      SpamHeaders.addWords(got, s);
      assertEquals(expected, got, s);
    }
    assertEquals("x".repeat(SpamHeaders.MAX_REASON - 3) + "...", SpamHeaders.ascii("x".repeat(400)));
  }

  @ParameterizedTest
  @CsvSource({"0, 0.0", "-0.04, 0.0", "-0.05, 0.0", "-0.06, -0.1", "0.05, 0.1", "1.25, 1.3", "5, 5.0", "-12.34, -12.3",
      "999.96, 1000.0", "0.001, 0.0", "7.449999, 7.4"})
  void oneDecimalRows(double d, String expected) {
    assertEquals(expected, Verdict.oneDecimal(d));
  }

  @Test
  void oneDecimalAsTheFormatter() {
    Random r = new Random(11);
    for (int i = 0; i < 50_000; i++) {
      double d = (r.nextDouble() - 0.5) * (i % 2 == 0 ? 40 : 4000);
      double rounded = Math.round(d * 10) / 10.0;
      assertEquals(String.format(java.util.Locale.ROOT, "%.1f", rounded == 0 ? 0.0 : rounded), Verdict.oneDecimal(d),
          Double.toString(d));
    }
    assertEquals("0.0", Verdict.oneDecimal(Double.NaN)); // as before: Math.round(NaN) is 0
  }
}
