package dev.postamt.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postamt.mime.MimePart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.TermToBytesRefAttribute;
import org.junit.jupiter.api.Test;

/** The word fields get from {@link WordTokens} exactly the tokens the analyzer makes of the text. */
class WordTokensTest {
  private static final Analyzer ANALYZER = Analyzers.perField();

  /** term@increment of every token, the term as the bytes Lucene indexes (closes the stream). */
  static List<String> tokens(TokenStream ts) throws IOException {
    List<String> out = new ArrayList<>();
    TermToBytesRefAttribute t = ts.addAttribute(TermToBytesRefAttribute.class);
    PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
    ts.reset();
    while (ts.incrementToken()) {
      out.add(t.getBytesRef().utf8ToString() + "@" + inc.getPositionIncrement());
    }
    ts.end();
    ts.close();
    return out;
  }

  /** What a field of term sets keeps of a stream: its distinct terms (closes the stream). */
  static Set<String> terms(TokenStream ts) throws IOException {
    Set<String> out = new TreeSet<>();
    for (String t : tokens(ts)) {
      out.add(t.substring(0, t.lastIndexOf('@')));
    }
    return out;
  }

  private static void same(String text) throws IOException {
    WordTokens w = WordTokens.of(text);
    assertEquals(tokens(ANALYZER.tokenStream("w.body", text)), tokens(w.words()), text);
    assertEquals(terms(ANALYZER.tokenStream("st.body", text)), terms(w.stems()), text);
  }

  @Test
  void sameTokensAsTheAnalyzer() throws IOException {
    List<String> texts = List.of(
        "", " \n ", "Müller's Äpfel und Grüße, die Straße; the cats' toys",
        "東京都に住んでいます。中文分词很难。한국어 텍스트", "ｆｕｌｌ ｗｉｄｔｈ ﾊﾝｶｸ", "emoji 😀 mid😀word U+FFFD \uFFFD",
        "x".repeat(300) + " after a token longer than the tokenizer's maximum",
        "e-mail: someone@example.com http://example.com/a?b=c 3.14 1,000",
        // repeated words (their chains run once, see WordTokens#distinct), in case and form variants
        "Grüße grüße GRÜSSE Grüsse the cat's cat's cats Cat's 東京 東京 東京都 ".repeat(40),
        ("X".repeat(79) + "\n").repeat(500),
        // outside the CJK ranges (word breaking alone, lower-cased per distinct token), at their edges, in them
        "İstanbul ΣΟΦΙΑ σοφία Ölçü ǅemal Straße ÆØÅ ﬁne Ⅻ", "İstanbul \u1100\u1161 ᄀ", "Ⅻ \u30A2\u3099 ｶﾞ",
        "“Quoted” ‘single’ — dash – en … €100 • bullet ™ № Ωmega ½ → ✓ ★ Привет мир שלום مرحبا नमस्ते ไทย ລາວ",
        "edge\u10FF\u11FFa \u1200\u1201 ab\u2E7F \u2E80x \u3000 \u3005\u3007 a\u302Eb \uD7FBz",
        "\uF8FF\uF900\uFAFF\uFB00\uFE30\uFE4F\uFF00\uFF01ＡＢ\uFFEF\uFFF0\uFFFD end",
        "Ｆｕｌｌ width ＴＥＸＴ and 𠀀𠀁 ext-B Han, 𝐁𝐨𝐥𝐝 math, 😀😁 emoji, 𐐀𐐨 Deseret",
        "한국어 텍스트 ᄒᆞᆫ 日本語のテキスト カタカナ ﾊﾝｶｸ 中文", "Mixed Latin and 東京 words, the CAT’s toys",
        "Ünïcödé mixed CASE Words and 42nd numbers, a.b.c e-mail 3,14 " + "ϴ".repeat(3),
        "\u0130\u0049\u0069 i\u0307 \u212A\u212B");
    for (String t : texts) {
      same(t);
    }
    List<String> tokens = tokens(WordTokens.of("Grüße aus München").stems());
    assertFalse(tokens.isEmpty());
  }

  /** Each distinct stem once: a term per distinct word, not per occurrence. */
  @Test
  void stemsComeOncePerDistinctWord() throws IOException {
    String text = "The roads, the road and ROADS: Grüße grüße Grusse " + "lorem ipsum dolor ".repeat(30);
    List<String> once = tokens(WordTokens.of(text).stems());
    // a term per distinct word as written: The the roads ROADS road and Grüße grüße Grusse lorem ipsum dolor
    assertEquals(12, once.size(), once.toString());
    assertEquals(terms(ANALYZER.tokenStream("st.body", text)), terms(WordTokens.of(text).stems()));
    assertTrue(tokens(ANALYZER.tokenStream("st.body", text)).size() > 90);
  }

  /** The tokens of a text read in place from its parts are those of the text as one string. */
  private static void same(MessageDocument.Lines lines) throws IOException {
    String text = lines.text();
    assertEquals(text.length(), lines.length());
    WordTokens w = WordTokens.of(lines);
    assertEquals(tokens(ANALYZER.tokenStream("w.body", text)), tokens(w.words()), text);
    assertEquals(terms(ANALYZER.tokenStream("st.body", text)), terms(w.stems()), text);
  }

  @Test
  void linesReadAsTheirText() throws IOException {
    MessageDocument.Lines lines = new MessageDocument.Lines(List.of("", "Grüße aus", "", "東京 x".repeat(700), "end"));
    StringBuilder read = new StringBuilder();
    try (java.io.Reader r = lines.reader()) {
      char[] buf = new char[7]; // smaller than the parts, so that reads end inside and between them
      for (int n; (n = r.read(buf, 0, buf.length)) != -1; ) {
        read.append(buf, 0, n);
      }
    }
    assertEquals("\nGrüße aus\n\n" + "東京 x".repeat(700) + "\nend\n", read.toString());
    assertEquals(read.toString(), lines.text());
    same(lines);
    same(new MessageDocument.Lines(List.of("Plain ASCII and Latin: Müller's", "ÄPFEL")));
    same(new MessageDocument.Lines(List.of("Typographic “Quotes” — and € ÄPFEL", "東京 second part")));
    assertTrue(WordTokens.cjkFree("“Quotes” — € … Привет \uFFFD"));
    assertFalse(WordTokens.cjkFree("a\u3042")); // Hiragana
    assertFalse(WordTokens.cjkFree("\uD840\uDC00")); // U+20000, Han outside the BMP
    assertFalse(WordTokens.cjkFree("\uFF21")); // full-width A
    assertTrue(new MessageDocument.Lines(List.of(" ", "\t")).isBlank());
  }

  @Test
  void sameTokensForTheCorpus() throws IOException {
    Path corpus = Path.of(System.getProperty("postamt.corpus", "/work/shared/testdata/corpus"));
    assumeTrue(Files.isDirectory(corpus.resolve("ham")), "the corpus is missing");
    List<Path> files = new ArrayList<>();
    for (String kind : List.of("ham", "spam")) {
      try (Stream<Path> s = Files.list(corpus.resolve(kind))) {
        files.addAll(s.sorted().limit(150).toList());
      }
    }
    for (Path f : files) {
      MimePart root = MimePart.parse(Files.readAllBytes(f));
      MessageDocument.Readable r = MessageDocument.Readable.of(root, 100_000);
      same(r.body());
      same(r.attachments());
      same(r.bodyLines());
      same(r.attachmentLines());
      same(String.join("\n", root.headers("subject")));
    }
  }
}
