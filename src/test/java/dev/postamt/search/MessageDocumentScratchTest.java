package dev.postamt.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.store.MessageRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexableField;
import org.junit.jupiter.api.Test;

/**
 * A document built in a {@link MessageDocument.Scratch} that earlier messages used (longer and shorter
 * ones, other scripts, each read before the next was built, as the indexer does) has exactly the fields,
 * terms and positions of the same message's document built in new arrays.
 */
class MessageDocumentScratchTest {
  private static final Analyzer ANALYZER = Analyzers.perField();
  private static final MessageDocument.Budget BUDGET = new MessageDocument.Budget(50L << 20, 1 << 20, 1 << 20);
  private static final Path CORPUS = Path.of(System.getProperty("postamt.corpus", "/work/shared/testdata/corpus"));

  private static byte[] message(String headers, String body) {
    return ("From: Ann <ann@example.test>\r\nTo: bob@example.test\r\nSubject: scratch\r\n" + headers
        + "Message-ID: <m@example.test>\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
  }

  /** Every field as name, then each token's term and position increment (or the field's value). */
  private static List<String> fields(Document d) throws IOException {
    List<String> out = new ArrayList<>();
    for (IndexableField f : d) {
      out.add("field " + f.name());
      TokenStream ts = f.tokenStream(ANALYZER, null);
      if (ts == null) {
        out.add(String.valueOf(f.numericValue() != null ? f.numericValue() : f.stringValue()));
        continue;
      }
      out.addAll(WordTokensTest.tokens(ts));
    }
    return out;
  }

  @Test
  void aReusedScratchMakesTheSameDocuments() throws IOException {
    List<byte[]> messages = new ArrayList<>();
    String prose = "The quick brown fox, jumping over 13 lazy dogs; naïve café — “quoted” text.\r\n";
    messages.add(message("", prose.repeat(1400))); // ~105 KB: past the positional start, a run set
    messages.add(message("", "short body\r\n"));
    messages.add(message("Content-Type: text/plain; charset=utf-8\r\n",
        "İstanbul ΣΟΦΟΣ σοφός ǅemal Straße\r\n".repeat(300))); // folding that changes lengths
    messages.add(message("", "x".repeat(3000) + " a run over the longest one token takes\r\n" + prose.repeat(300)));
    messages.add(message("Content-Type: text/plain; charset=utf-8\r\n", "東京都に住んでいます。中文分词很难。한국어\r\n".repeat(200)));
    messages.add(message("", ""));
    if (Files.isDirectory(CORPUS)) {
      for (String dir : List.of("ham", "spam")) {
        try (Stream<Path> files = Files.list(CORPUS.resolve(dir))) {
          for (Path p : files.sorted().limit(40).toList()) {
            messages.add(Files.readAllBytes(p));
          }
        }
      }
    }
    messages.add(message("", prose.repeat(3000))); // longer than every text before: the arrays grow again
    messages.add(message("", "after the longest\r\n"));

    MessageDocument.Scratch scratch = new MessageDocument.Scratch();
    for (int pass = 0; pass < 2; pass++) {
      long uid = 1;
      for (byte[] m : messages) {
        MessageRecord r = new MessageRecord(uid, "m" + uid, Set.of(), 1, 0, m.length);
        List<String> reused = fields(MessageDocument.build(7, r, m, BUDGET, scratch));
        List<String> fresh = fields(MessageDocument.build(7, r, m, BUDGET));
        assertThat(reused).as("message %d, pass %d", uid, pass).isEqualTo(fresh);
        uid++;
      }
    }
  }
}
