package dev.postamt.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.junit.jupiter.api.Test;

/** {@link PlainBreaking} makes the tokens Lucene's word breaking makes, or says it cannot. */
class PlainBreakingTest {
  /** term@increment of every token of the scanner over the whole text. */
  private static List<String> scanner(String text) throws IOException {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = Analyzers.breaking(new StringReader(text))) {
      CharTermAttribute t = ts.addAttribute(CharTermAttribute.class);
      PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(t.toString() + "@" + inc.getPositionIncrement());
      }
      ts.end();
    }
    return out;
  }

  /** The same by {@link PlainBreaking}, null when it cannot tell. */
  private static List<String> plain(String text) {
    List<String> out = new ArrayList<>();
    char[] t = text.toCharArray();
    boolean done = PlainBreaking.split(t, t.length, (b, off, len, inc) -> out.add(new String(b, off, len) + "@" + inc));
    return done ? out : null;
  }

  private static void same(String text) throws IOException {
    List<String> p = plain(text);
    if (p != null) {
      assertEquals(scanner(text), p, () -> "text: " + text.codePoints()
          .mapToObj(c -> c < 0x80 && c >= 0x20 ? Character.toString(c) : String.format("\\u%04X", c))
          .reduce("", String::concat));
    }
  }

  @Test
  void plainTextAndItsEdges() throws IOException {
    List<String> texts = List.of("", " ", "a", "Hello, World. It's 3.14 and 1,000; e.g. a:b a.b. 'q' don't _x x_ a_b __ _",
        ("1" + "X".repeat(78) + "\r\n").repeat(40), "...,,;;:: '' . a. .a ,a, 'a' a'", "3.a a.3 3,a a,3 3'3 a'3 3'a",
        "#1 *2 #*# 1# a#b 1\uFE0F\u20E3 #\u20E3 *\uFE0F\u20E3 x #\uFE0F", "\u05D0\"\u05D1 a\"b \u05D0'\u05D1",
        "Müller's Äpfel µ ª º × ÷ ÿ ß à\u0301 a\u00ADb a\u00B7b a\u00A0b © ® ™ ¼ ¹",
        "tab\there\u000Bvt\u000Cff\u0085nel\u2028ls end", "x".repeat(255), "x".repeat(256), "x".repeat(300) + " y",
        "http://example.com/a?b=c someone@example.com mail.example.com v1.2.3 1.2.3.4 2026-12-05T23:12:41");
    for (String t : texts) {
      same(t);
    }
    assertEquals(List.of("1" + "X".repeat(78) + "@1"), plain("1" + "X".repeat(78) + "\r\n"));
    assertEquals(List.of("It@1", "s@1"), plain("It; s."));
    assertEquals(null, plain("x".repeat(256)));
  }

  @Test
  void randomTextsOfTrickyCharacters() throws IOException {
    String alphabet = "aZq09 \n\r\t.,:;'_\"#*-@/!()x\u00E9\u00DF\u00B5\u00AA\u00D7\u00A0\u00AD\u00B7\u00A9\u0301\u200D"
        + "\uFE0F\u20E3\u05D0\u0E01\u0E02\u2019\u2018\u00BD\u2028\uD83D\uDE00\uD83C\uDFFB\u0391\u03C3\u0418\u0663\u0966";
    Random r = new Random(42);
    int checked = 0;
    for (int n = 0; n < 200_000; n++) {
      StringBuilder b = new StringBuilder();
      int len = r.nextInt(n % 50 == 0 ? 400 : 24);
      // mostly plain characters, now and then a tricky one
      for (int i = 0; i < len; i++) {
        int k = r.nextInt(10) < 6 ? r.nextInt(5) : r.nextInt(alphabet.length());
        char c = alphabet.charAt(k);
        if (Character.isHighSurrogate(c) && k + 1 < alphabet.length()) {
          b.append(c).append(alphabet.charAt(k + 1));
        } else if (!Character.isLowSurrogate(c)) {
          b.append(c);
        }
      }
      String text = b.toString();
      if (WordTokens.cjkFree(text)) {
        same(text);
        checked++;
      }
    }
    assertTrue(checked > 100_000, "texts compared: " + checked);
  }

  @Test
  void aTextWithCjkCharactersIsLeftToTheWholeChain() {
    assertEquals(null, plain("plain words and then \u6771\u4EAC"));
    assertEquals(null, plain("\uFF21 full width"));
    assertEquals(List.of("plain@1", "\u00FCber@1"), plain("plain \u00FCber"));
  }

  @Test
  void aChunkOverTheLongestTokenIsLeftToTheScanner() {
    assertFalse(plain("a b " + "c".repeat(PlainBreaking.MAX_TOKEN + 1)) != null);
  }
}
