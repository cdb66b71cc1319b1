package dev.postamt.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.SynonymQuery;
import org.apache.lucene.search.TermQuery;

/**
 * A JMAP word query ({@link WordQuery}, a Lucene query over the word fields) as a PostgreSQL {@code
 * tsquery} over the lexemes of {@link PgDocument}, matching the same messages: a term is its lexeme, a
 * prefix the lexeme with {@code :*} (both compare bytes, as Lucene's terms do), a phrase the lexemes
 * joined by {@code <N>} at their distances, and Lucene's boolean rules as {@code & | !}: required
 * clauses all, optional ones only when nothing is required, a clause list of only exclusions matches
 * nothing. Boosts only rank, so they are dropped.
 *
 * <p>What has no exact {@code tsquery} (fuzzy terms, sloppy phrases) gives no translation, and the
 * index then leaves the condition to the scan.
 */
final class TsQueries {
  private TsQueries() {}

  /** A lexeme no document has (every lexeme of {@link PgDocument} has a field code and a colon). */
  static final String NOTHING = "'-'";

  /** The translation of a word query, with whether it holds a phrase; empty when there is none. */
  record TsQuery(String text, boolean phrase) {}

  static Optional<TsQuery> of(Query q) {
    boolean[] phrase = new boolean[1];
    try {
      return Optional.of(new TsQuery(translate(q, phrase), phrase[0]));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String translate(Query q, boolean[] phrase) {
    return switch (q) {
      case BoostQuery b -> translate(b.getQuery(), phrase);
      case TermQuery t -> term(t.getTerm(), false);
      case PrefixQuery p -> term(p.getPrefix(), true);
      case SynonymQuery s -> {
        List<String> any = new ArrayList<>();
        for (Term t : s.getTerms()) {
          any.add(term(t, false));
        }
        yield any.isEmpty() ? NOTHING : "(" + String.join(" | ", any) + ")";
      }
      case PhraseQuery p -> phrase(p, phrase);
      case BooleanQuery b -> bool(b, phrase);
      case MatchNoDocsQuery none -> NOTHING;
      case MatchAllDocsQuery all -> "!" + NOTHING;
      default -> throw new IllegalArgumentException("no tsquery for " + q.getClass().getSimpleName());
    };
  }

  private static String bool(BooleanQuery b, boolean[] phrase) {
    List<String> required = new ArrayList<>();
    List<String> optional = new ArrayList<>();
    List<String> excluded = new ArrayList<>();
    for (BooleanClause c : b.clauses()) {
      String t = translate(c.query(), phrase);
      switch (c.occur()) {
        case MUST, FILTER -> required.add(t);
        case SHOULD -> optional.add(t);
        case MUST_NOT -> excluded.add(t);
      }
    }
    int min = b.getMinimumNumberShouldMatch();
    if (min > 1) {
      throw new IllegalArgumentException("minimum should match " + min);
    }
    if (!optional.isEmpty() && (required.isEmpty() || min == 1)) {
      required.add("(" + String.join(" | ", optional) + ")");
    }
    if (required.isEmpty()) {
      return NOTHING; // Lucene: only exclusions, or nothing at all, matches no document
    }
    StringBuilder s = new StringBuilder("(").append(String.join(" & ", required));
    for (String x : excluded) {
      s.append(" & !").append(x);
    }
    return s.append(')').toString();
  }

  private static String phrase(PhraseQuery p, boolean[] phrase) {
    if (p.getSlop() != 0) {
      throw new IllegalArgumentException("sloppy phrase");
    }
    Term[] terms = p.getTerms();
    int[] at = p.getPositions();
    if (terms.length == 0) {
      return NOTHING;
    }
    if (terms.length == 1) {
      return term(terms[0], false);
    }
    phrase[0] = true;
    StringBuilder s = new StringBuilder("(").append(term(terms[0], false));
    for (int i = 1; i < terms.length; i++) {
      s.append(" <").append(at[i] - at[i - 1]).append("> ").append(term(terms[i], false));
    }
    return s.append(')').toString();
  }

  private static String term(Term t, boolean prefix) {
    String lex = PgDocument.lexeme(t.field(), t.text());
    StringBuilder s = new StringBuilder("'");
    for (int i = 0; i < lex.length(); i++) {
      char c = lex.charAt(i);
      if (c == '\'' || c == '\\') {
        s.append(c == '\'' ? '\'' : '\\');
      }
      s.append(c);
    }
    return s.append(prefix ? "':*" : "'").toString();
  }
}
