package dev.postamt.search;

import java.util.List;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

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
 */
final class Trigrams {
  private Trigrams() {}

  static final char SEPARATOR = '\uFFFF';
  static final int N = 3;

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

  /** The text of a field: the strings joined and padded as the class comment says. */
  static String join(List<String> strings) {
    StringBuilder b = new StringBuilder();
    for (String s : strings) {
      b.append(s).append(SEPARATOR);
    }
    return b.append(SEPARATOR).append(SEPARATOR).toString();
  }

  /** The grams of {@link #join joined} text, each at the position of its first character. */
  static TokenStream stream(String joined) {
    return new GramStream(joined);
  }

  private static final class GramStream extends TokenStream {
    private final String text;
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final PositionIncrementAttribute inc = addAttribute(PositionIncrementAttribute.class);
    private int at;

    GramStream(String text) {
      this.text = text;
    }

    @Override
    public boolean incrementToken() {
      if (at + N > text.length()) {
        return false;
      }
      clearAttributes();
      term.setEmpty().append(text, at, at + N);
      inc.setPositionIncrement(1);
      at++;
      return true;
    }

    @Override
    public void reset() {
      at = 0;
    }
  }
}
