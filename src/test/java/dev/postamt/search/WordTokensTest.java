package dev.postamt.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postamt.mime.MimePart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.junit.jupiter.api.Test;

/** The word fields get from {@link WordTokens} exactly the tokens the analyzer makes of the text. */
class WordTokensTest {
  private static final Analyzer ANALYZER = Analyzers.perField();

  /** term@increment of every token. */
  private static List<String> tokens(TokenStream ts) throws IOException {
    List<String> out = new ArrayList<>();
    CharTermAttribute t = ts.addAttribute(CharTermAttribute.class);
    PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
    ts.reset();
    while (ts.incrementToken()) {
      out.add(t + "@" + inc.getPositionIncrement());
    }
    ts.end();
    ts.close();
    return out;
  }

  private static void same(String text) throws IOException {
    WordTokens w = WordTokens.of(text);
    assertEquals(tokens(ANALYZER.tokenStream("w.body", text)), tokens(w.words()), text);
    assertEquals(tokens(ANALYZER.tokenStream("st.body", text)), tokens(w.stems()), text);
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
        ("X".repeat(79) + "\n").repeat(500));
    for (String t : texts) {
      same(t);
    }
    List<String> tokens = tokens(WordTokens.of("Grüße aus München").stems());
    assertFalse(tokens.isEmpty());
  }

  @Test
  void sameTokensForTheCorpus() throws IOException {
    Path ham = Path.of(System.getProperty("postamt.corpus", "/work/shared/testdata/corpus")).resolve("ham");
    assumeTrue(Files.isDirectory(ham), "the corpus is missing");
    List<Path> files;
    try (Stream<Path> s = Files.list(ham)) {
      files = s.sorted().limit(150).toList();
    }
    for (Path f : files) {
      MimePart root = MimePart.parse(Files.readAllBytes(f));
      MessageDocument.Readable r = MessageDocument.Readable.of(root, 100_000);
      same(r.body());
      same(r.attachments());
      same(String.join("\n", root.headers("subject")));
    }
  }
}
