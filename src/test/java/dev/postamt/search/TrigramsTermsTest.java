package dev.postamt.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttributeImpl;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.TermToBytesRefAttribute;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

/**
 * The gram streams hand Lucene the same terms, at the same positions, as a stream of three characters
 * per gram in a {@code CharTermAttribute} (how the index was written before, and how {@link
 * Trigrams#query} spells a needle's grams): indexes written by either read alike.
 */
class TrigramsTermsTest {

  /** Each gram of {@code text} as Lucene's character term attribute turns it into bytes. */
  private static List<BytesRef> expected(String text) {
    List<BytesRef> out = new ArrayList<>();
    for (int at = 0; at + Trigrams.N <= text.length(); at++) {
      CharTermAttributeImpl t = new CharTermAttributeImpl();
      t.append(text, at, at + Trigrams.N);
      out.add(BytesRef.deepCopyOf(t.getBytesRef()));
    }
    return out;
  }

  private static List<BytesRef> terms(TokenStream ts) throws IOException {
    List<BytesRef> out = new ArrayList<>();
    TermToBytesRefAttribute t = ts.getAttribute(TermToBytesRefAttribute.class);
    PositionIncrementAttribute inc = ts.getAttribute(PositionIncrementAttribute.class);
    ts.reset();
    while (ts.incrementToken()) {
      assertEquals(1, inc.getPositionIncrement());
      out.add(BytesRef.deepCopyOf(t.getBytesRef()));
    }
    ts.end();
    ts.close();
    return out;
  }

  private static String random(Random r, int length) {
    char[] pool = {'a', 'b', 'X', ' ', '\n', 'é', 'ß', '中', '\uD83D', '\uDE00', '\uFFFD', Trigrams.SEPARATOR, '\u007F', '\u0080'};
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      b.append(pool[r.nextInt(pool.length)]);
    }
    return b.toString();
  }

  @Test
  void sameTermsAsCharacterGramsForAnyText() throws IOException {
    Random r = new Random(27);
    for (int k = 0; k < 300; k++) {
      String joined = Trigrams.join(List.of(random(r, r.nextInt(40)), random(r, r.nextInt(40))));
      assertEquals(expected(joined), terms(Trigrams.stream(joined)), joined);
    }
    assertEquals(List.of(), terms(Trigrams.stream("ab")));
  }

  /** Folding while joining gives what folding each string and then joining does. */
  @Test
  void joinFoldedIsTheJoinOfTheFoldedStrings() {
    Random r = new Random(9051);
    char[] pool = {'a', 'Z', 'M', ' ', '\n', '\u00C9', '\u00DF', '\u00B5', '\u00FF', '\u00D7', '\u0130', '\u03A3', '\u03C3',
        '\u0391', '\u0410', '\uD801', '\uDC00', '\u1E9E', '\u2126', '\u212A', '\u0049', '\u00DE', '\u00C0', '@', '1'};
    for (int k = 0; k < 3000; k++) {
      List<String> strings = new ArrayList<>();
      for (int n = r.nextInt(4); n >= 0; n--) {
        StringBuilder b = new StringBuilder();
        int len = r.nextInt(30);
        // some strings of Latin-1 alone, the others with any of the pool
        int bound = r.nextBoolean() ? 9 : pool.length;
        for (int i = 0; i < len; i++) {
          b.append(pool[r.nextInt(bound)]);
        }
        strings.add(b.toString());
      }
      List<String> folded = new ArrayList<>();
      for (String s : strings) {
        folded.add(SearchText.fold(s));
      }
      int[] lengths = new int[strings.size()];
      assertEquals(Trigrams.join(folded), new String(Trigrams.joinFolded(strings, lengths)), strings.toString());
      for (int i = 0; i < lengths.length; i++) {
        assertEquals(folded.get(i).length(), lengths[i]);
      }
    }
  }
}
