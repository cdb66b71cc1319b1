package dev.postamt.search;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.queryparser.simple.SimpleQueryParser;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.Query;

/**
 * A JMAP text condition as a query over the word fields. The text is what a person types in a search
 * box: words, all of which must occur (in any of the condition's fields, unstemmed or stemmed, see
 * {@link Analyzers}); {@code "a phrase"} in quotes; {@code -word} to exclude; {@code word*} for a
 * prefix; {@code a | b} for either. Lucene's simple query syntax, which accepts any text; text without
 * a single word, or over {@link #MAX_CHARS} characters, is refused.
 *
 * <p>A phrase in quotes is looked for among the words only, not the stems: the stem fields keep no
 * positions ({@link MessageDocument}), as Xapian's stemmed terms keep none, and quotes ask for the words
 * as written ({@code "the roads"} does not find "the road", {@code roads} does).
 */
public final class WordQuery {
  private WordQuery() {}

  static final int MAX_CHARS = 1000;
  private static final Analyzer ANALYZER = Analyzers.perField();

  /**
   * Each plain word also matches as the start of a word ({@code grü} finds {@code Grüße}), as people
   * type into a search box: {@code word} becomes {@code (word | word*)}. Phrases in quotes and words
   * with query syntax are left as they are.
   */
  static String asYouType(String text) {
    StringBuilder b = new StringBuilder();
    boolean inPhrase = false;
    for (String part : text.split("(?<=\\s)|(?=\\s)")) {
      int quotes = (int) part.chars().filter(ch -> ch == '"').count();
      boolean plain = !inPhrase && quotes == 0 && !part.isBlank()
          && part.chars().noneMatch(ch -> "+|-*()~\\".indexOf(ch) >= 0);
      b.append(plain ? "(" + part + " | " + part + "*)" : part);
      if (quotes % 2 == 1) {
        inPhrase = !inPhrase;
      }
    }
    return b.toString();
  }

  /** The word fields each JMAP condition looks in (RFC 8621 §4.4.1). */
  static List<String> fields(String property) {
    return switch (property) {
      case "text" -> MessageDocument.WORD_FIELDS;
      case "body" -> List.of("body", "attachment");
      case "from", "to", "cc", "bcc", "subject" -> List.of(property);
      default -> throw new IllegalArgumentException("no full-text field " + property);
    };
  }

  /**
   * The query for {@code text} in the fields of {@code property}.
   *
   * @throws IllegalArgumentException with a sentence for the client when there is nothing to search for
   */
  public static Query parse(String property, String text) {
    if (text.length() > MAX_CHARS) {
      throw new IllegalArgumentException(property + " is longer than " + MAX_CHARS + " characters");
    }
    Map<String, Float> weights = new LinkedHashMap<>();
    for (String f : fields(property)) {
      weights.put(Analyzers.WORDS + f, 1.0f);
      weights.put(Analyzers.STEMS + f, 0.5f);
    }
    SimpleQueryParser p = new Parser(weights);
    p.setDefaultOperator(BooleanClause.Occur.MUST);
    Query q = p.parse(asYouType(text));
    if (q == null || q instanceof org.apache.lucene.search.MatchNoDocsQuery) {
      throw new IllegalArgumentException(property + " \"" + text + "\" has no words to search for");
    }
    return q;
  }

  /** Lucene's simple query parser, with phrases over the word fields alone. */
  private static final class Parser extends SimpleQueryParser {
    Parser(Map<String, Float> weights) {
      super(ANALYZER, weights);
    }

    @Override
    protected Query newPhraseQuery(String text, int slop) {
      BooleanQuery.Builder any = new BooleanQuery.Builder();
      for (Map.Entry<String, Float> e : weights.entrySet()) {
        if (e.getKey().startsWith(Analyzers.STEMS)) {
          continue; // no positions there
        }
        Query q = createPhraseQuery(e.getKey(), text, slop);
        if (q != null) {
          any.add(e.getValue() == 1f ? q : new BoostQuery(q, e.getValue()), BooleanClause.Occur.SHOULD);
        }
      }
      return simplify(any.build());
    }
  }
}
