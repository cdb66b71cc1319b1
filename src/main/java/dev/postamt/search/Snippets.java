package dev.postamt.search;

import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MimePart;
import java.io.IOException;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.highlight.Highlighter;
import org.apache.lucene.search.highlight.InvalidTokenOffsetsException;
import org.apache.lucene.search.highlight.QueryScorer;
import org.apache.lucene.search.highlight.SimpleHTMLEncoder;
import org.apache.lucene.search.highlight.SimpleHTMLFormatter;
import org.apache.lucene.search.highlight.SimpleSpanFragmenter;

/**
 * Search snippets (RFC 8621 §5): the subject and a fragment of the body with the words a query looked
 * for marked {@code <mark>…</mark>}, the rest HTML-escaped. Made from the message itself (the index
 * stores no text), with the analysis of the stemmed word fields, so that a stemmed hit is marked too.
 */
public final class Snippets {
  private Snippets() {}

  /** The longest preview, in characters (RFC 8621 §5.1 suggests up to 255). */
  static final int PREVIEW_CHARS = 255;
  private static final Analyzer ANALYZER = Analyzers.perField();

  /** A message's subject and preview with highlights; null where nothing matched. */
  public record Snippet(String subject, String preview) {}

  /**
   * The highlighting query for JMAP text conditions: the {@code text}, {@code subject} and {@code body}
   * values (conditions on addresses are not highlighted), or null when there are none.
   */
  public static Query query(List<String[]> conditions) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    int n = 0;
    for (String[] c : conditions) {
      if (List.of("text", "subject", "body").contains(c[0])) {
        try {
          b.add(WordQuery.parse(c[0], c[1]), BooleanClause.Occur.SHOULD);
          n++;
        } catch (IllegalArgumentException e) {
          // nothing to highlight for this one
        }
      }
    }
    return n == 0 ? null : b.build();
  }

  public static Snippet of(Query q, byte[] message) throws IOException {
    MimePart root = MimePart.parse(message);
    String subject = root.header("Subject");
    String s = subject == null ? null : mark(q, "subject", HeaderText.decode(subject), Integer.MAX_VALUE);
    String body = MessageDocument.Readable.of(root, 0).body().replaceAll("\\s+", " ").strip();
    return new Snippet(s, mark(q, "body", body, PREVIEW_CHARS));
  }

  private static String mark(Query q, String field, String text, int fragmentChars) throws IOException {
    String stems = Analyzers.STEMS + field;
    String words = Analyzers.WORDS + field;
    for (String f : List.of(words, stems)) {
      QueryScorer scorer = new QueryScorer(q, f);
      Highlighter h = new Highlighter(new SimpleHTMLFormatter("<mark>", "</mark>"), new SimpleHTMLEncoder(), scorer);
      h.setTextFragmenter(new SimpleSpanFragmenter(scorer, Math.min(fragmentChars, Math.max(1, text.length()))));
      h.setMaxDocCharsToAnalyze(1_000_000);
      try (TokenStream ts = ANALYZER.tokenStream(f, text)) {
        String best = h.getBestFragment(ts, text);
        if (best != null) {
          return best;
        }
      } catch (InvalidTokenOffsetsException e) {
        return null;
      }
    }
    return null;
  }
}
