package dev.postamt.search;

import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.de.GermanLightStemFilter;
import org.apache.lucene.analysis.de.GermanNormalizationFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardTokenizer;

/**
 * The analysis of the word fields (JMAP, snippets). Each text is indexed twice:
 *
 * <ul>
 *   <li>{@code w.<field>}, the words: Unicode word breaking (UAX #29), full-width and half-width forms
 *       folded, lower case, CJK (Han, Hiragana, Katakana, Hangul) as overlapping bigrams since those
 *       scripts put no spaces between words, diacritics folded to ASCII ({@code Müller} = {@code
 *       muller});
 *   <li>{@code st.<field>}, the stems: the same, plus German normalisation ({@code ä/ae → a}, {@code
 *       ß → ss}) and the light German stemmer, whose suffix rules also strip English plurals, and the
 *       English possessive. Unstemmed hits rank higher than stemmed ones.
 * </ul>
 *
 * <p>The substring fields ({@code s.*}) are not analysed here but by {@link Trigrams}.
 */
final class Analyzers {
  private Analyzers() {}

  static final String WORDS = "w.";
  static final String STEMS = "st.";

  /** The analyzer for the index and for queries: word fields by prefix, everything else untouched. */
  static Analyzer perField() {
    Analyzer words = new Words(false);
    Analyzer stems = new Words(true);
    Map<String, Analyzer> fields = new HashMap<>();
    for (String f : MessageDocument.WORD_FIELDS) {
      fields.put(WORDS + f, words);
      fields.put(STEMS + f, stems);
    }
    return new PerFieldAnalyzerWrapper(new KeywordAnalyzer(), fields);
  }

  /** The start both word chains share; its components are reused per thread as an analyzer's are. */
  private static final Analyzer COMMON = new Analyzer() {
    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
      Tokenizer source = new StandardTokenizer();
      return new TokenStreamComponents(source, commonFilters(source));
    }
  };

  /** The word breaking alone (UAX #29), for a text in which nothing else of the common part acts ({@link WordTokens}). */
  private static final Analyzer BREAKING = new Analyzer() {
    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
      Tokenizer source = new StandardTokenizer();
      return new TokenStreamComponents(source);
    }
  };

  /** The tokens of {@code text} as the word breaking makes them, not lower-cased. */
  static TokenStream breaking(java.io.Reader text) {
    return BREAKING.tokenStream("", text);
  }

  /** The tokens of {@code text} after the part both word chains share ({@link WordTokens}). */
  static TokenStream common(java.io.Reader text) {
    return COMMON.tokenStream("", text);
  }

  private static TokenStream commonFilters(Tokenizer source) {
    TokenStream t = new CJKWidthFilter(source);
    t = new LowerCaseFilter(t);
    return new CJKBigramFilter(t);
  }

  /** The rest of the chain of {@code w.*}. */
  static TokenStream words(TokenStream common) {
    return new ASCIIFoldingFilter(common);
  }

  /** The rest of the chain of {@code st.*}. */
  static TokenStream stems(TokenStream common) {
    TokenStream t = new EnglishPossessiveFilter(common);
    t = new GermanNormalizationFilter(t);
    t = new ASCIIFoldingFilter(t);
    return new GermanLightStemFilter(t);
  }

  private static final class Words extends Analyzer {
    private final boolean stem;

    Words(boolean stem) {
      this.stem = stem;
    }

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
      Tokenizer source = new StandardTokenizer();
      TokenStream t = commonFilters(source);
      return new TokenStreamComponents(source, stem ? stems(t) : words(t));
    }

    @Override
    protected TokenStream normalize(String fieldName, TokenStream in) {
      TokenStream t = new CJKWidthFilter(in);
      t = new LowerCaseFilter(t);
      return new ASCIIFoldingFilter(t);
    }
  }
}
