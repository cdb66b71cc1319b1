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

  private static final class Words extends Analyzer {
    private final boolean stem;

    Words(boolean stem) {
      this.stem = stem;
    }

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
      Tokenizer source = new StandardTokenizer();
      TokenStream t = new CJKWidthFilter(source);
      t = new LowerCaseFilter(t);
      t = new CJKBigramFilter(t);
      if (stem) {
        t = new EnglishPossessiveFilter(t);
        t = new GermanNormalizationFilter(t);
      }
      t = new ASCIIFoldingFilter(t);
      if (stem) {
        t = new GermanLightStemFilter(t);
      }
      return new TokenStreamComponents(source, t);
    }

    @Override
    protected TokenStream normalize(String fieldName, TokenStream in) {
      TokenStream t = new CJKWidthFilter(in);
      t = new LowerCaseFilter(t);
      return new ASCIIFoldingFilter(t);
    }
  }
}
