package dev.postamt.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;

/**
 * {@link Runs} answers a substring needle as {@code contains} on the folded text does: every document it
 * says is certain holds the needle, every document holding the needle is certain or among the ones to
 * read, and where nothing was cut (no run over {@link Runs#MAX_RUN}, no text past the indexed end) and
 * no end expanded too far, the certain ones are exactly those that hold it.
 */
class RunsTest {
  private static final FieldType POSITIONS = new FieldType();

  static {
    POSITIONS.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
    POSITIONS.setTokenized(true);
    POSITIONS.setOmitNorms(true);
    POSITIONS.freeze();
  }

  /** Pieces texts are made of: runs of several scripts, punctuation, white space, a surrogate pair. */
  private static final String[] PIECES = {"a", "b", "ab", "ba", "x1", "9", "\u00e9t\u00e9", "\u00df", "\u4e2d\u6587",
      "\u03c3", " ", "  ", "\n", ".", "-", "@", "<", "'", "\uD83D\uDE00", "\u0301"};

  private static String randomText(Random r, int pieces) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < pieces; i++) {
      b.append(PIECES[r.nextInt(PIECES.length)]);
    }
    return b.toString();
  }

  /** The documents as they are indexed: strings joined with separators, each document's field end. */
  private record Corpus(List<String> joined, List<Integer> ends, DirectoryReader reader) {}

  private static Corpus index(List<List<String>> docs, int end) throws IOException {
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    List<String> joined = new ArrayList<>();
    List<Integer> ends = new ArrayList<>();
    try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig())) {
      for (List<String> strings : docs) {
        char[] j = Trigrams.joinChars(strings);
        int e = Math.min(j.length, end);
        joined.add(new String(j));
        ends.add(e);
        Document d = new Document();
        d.add(new StoredField("n", joined.size() - 1));
        d.add(new Field("s.b", Runs.stream(j, e), POSITIONS));
        w.addDocument(d);
        if (joined.size() % 7 == 0) {
          w.commit(); // several segments: the ends are expanded over all of them
        }
      }
    }
    return new Corpus(joined, ends, DirectoryReader.open(dir));
  }

  private static Set<Integer> hits(IndexSearcher s, Query q) throws IOException {
    Set<Integer> out = new HashSet<>();
    if (q == null) {
      return out;
    }
    for (ScoreDoc sd : s.search(q, 100_000).scoreDocs) {
      out.add(s.storedFields().document(sd.doc).getField("n").numericValue().intValue());
    }
    return out;
  }

  /** Checks every needle against every document; returns how many needles were answered exactly. */
  private static int check(Corpus c, List<String> needles) throws IOException {
    IndexSearcher s = new IndexSearcher(c.reader());
    int exact = 0;
    for (String needle : needles) {
      if (!Trigrams.searchable(needle)) {
        continue;
      }
      Runs.Answer a = Runs.answer("s.b", needle, c.reader());
      Set<Integer> certain = hits(s, a.certain());
      Set<Integer> maybe = hits(s, a.maybe());
      for (int n = 0; n < c.joined().size(); n++) {
        String text = c.joined().get(n);
        boolean truth = text.contains(needle);
        int end = c.ends().get(n);
        boolean whole = end == text.length() && Runs.longestRun(text.toCharArray(), end) <= Runs.MAX_RUN;
        if (certain.contains(n)) {
          assertThat(truth).as("certain but absent: %s in doc %d", needle, n).isTrue();
        } else if (truth && !maybe.contains(n)) {
          // only where something was cut: there the body's gram set sends the message to be read
          assertThat(whole).as("missed: %s in doc %d (%s)", needle, n, text).isFalse();
        }
      }
      if (a.maybe() == null) {
        exact++;
      }
    }
    return exact;
  }

  @Test
  void answersAsContainsDoesOnRandomTexts() throws IOException {
    Random r = new Random(4979);
    List<List<String>> docs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      List<String> strings = new ArrayList<>();
      for (int k = r.nextInt(3); k >= 0; k--) {
        strings.add(randomText(r, r.nextInt(40)));
      }
      docs.add(strings);
    }
    Corpus c = index(docs, Integer.MAX_VALUE);
    List<String> needles = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      String t = c.joined().get(r.nextInt(c.joined().size()));
      int from = r.nextInt(t.length());
      int to = Math.min(t.length(), from + 1 + r.nextInt(12));
      needles.add(t.substring(from, to)); // mostly present somewhere
      needles.add(randomText(r, 1 + r.nextInt(4))); // mostly not
    }
    int exact = check(c, needles);
    long searchable = needles.stream().filter(Trigrams::searchable).count();
    assertThat(exact).as("all answered exactly (no end has too many terms here)").isEqualTo((int) searchable);
  }

  @Test
  void aCutRunOrACutTextIsReadNotMissedAndNeverFoundWhereItIsNot() throws IOException {
    String longRun = "q".repeat(Runs.MAX_RUN - 2) + "needle" + "z".repeat(Runs.MAX_RUN);
    List<List<String>> docs = List.of(
        List.of("before " + longRun + " after"),
        List.of("the quick brown fox jumps over the lazy dog, again and again"),
        List.of("a needle in a haystack"));
    Corpus c = index(docs, 40); // the second text is cut after "the lazy"
    check(c, List.of("needle", "qqneedlezz", "needle in", "lazy dog", "lazy", "fox jumps", "dog, again", "brown", "the",
        "zzzz after", "before qq", "e q"));
    IndexSearcher s = new IndexSearcher(c.reader());
    assertThat(hits(s, Runs.answer("s.b", "fox jumps", c.reader()).certain())).containsExactly(1);
    assertThat(hits(s, Runs.answer("s.b", "lazy dog", c.reader()).certain())).as("past the end").isEmpty();
    assertThat(hits(s, Runs.answer("s.b", "needle", c.reader()).certain())).containsExactly(2); // across the cut in 0
  }

  @Test
  void anEndWithTooManyTermsIsLeftOutAndItsMatchesRead() throws IOException {
    List<List<String>> docs = new ArrayList<>();
    for (int i = 0; i < Runs.MAX_EXPANSION + 50; i++) {
      docs.add(List.of("w" + i + "e x" + i));
    }
    docs.add(List.of("ve.x"));
    Corpus c = index(docs, Integer.MAX_VALUE);
    Runs.Answer a = Runs.answer("s.b", "e x1", c.reader()); // "*e" matches every w<i>e
    assertThat(a.maybe()).isNotNull();
    check(c, List.of("e x1", "e x", "0e x", "e.x", "ve.x"));
  }

  /** The terms found in the segments' {@link TermTexts} are those read from the dictionary term by term. */
  @Test
  void termTextsFindWhatReadingTheDictionaryFinds() throws IOException {
    Random r = new Random(5465);
    List<List<String>> docs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      docs.add(List.of(randomText(r, r.nextInt(60))));
    }
    Corpus c = index(docs, Integer.MAX_VALUE);
    int nonEmpty = 0;
    for (int i = 0; i < 400; i++) {
      String run = Runs.tokens(randomText(r, 1 + r.nextInt(3))).getFirst().text();
      if (!Runs.isRun(run.charAt(0))) {
        continue;
      }
      for (Runs.Match how : Runs.Match.values()) {
        List<org.apache.lucene.util.BytesRef> byText = Runs.matching(c.reader(), "s.b", how, run, Integer.MAX_VALUE, true);
        List<org.apache.lucene.util.BytesRef> byTerms = Runs.matching(c.reader(), "s.b", how, run, Integer.MAX_VALUE, false);
        assertThat(new HashSet<>(byText)).as("%s %s", how, run).isEqualTo(new HashSet<>(byTerms));
        nonEmpty += byText.isEmpty() ? 0 : 1;
      }
    }
    assertThat(nonEmpty).isGreaterThan(100);
    List<org.apache.lucene.index.IndexReader.CacheKey> cores = c.reader().leaves().stream()
        .map(l -> l.reader().getCoreCacheHelper().getKey()).toList();
    assertThat(cores).allMatch(k -> TermTexts.isKept(k, "s.b"));
    c.reader().close(); // the segments close: their strings are dropped
    assertThat(cores).noneMatch(k -> TermTexts.isKept(k, "s.b"));
  }

  @Test
  void noSetOfRunsWhereARunIsTooLongForOneToken() {
    assertThat(Runs.distinct(Trigrams.joinChars(List.of("a " + "x".repeat(Runs.MAX_RUN + 1) + " b")))).isNull();
    assertThat(Runs.distinct(Trigrams.joinChars(List.of("a " + "x".repeat(Runs.MAX_RUN) + " b")))).isNotNull();
  }

  @Test
  void tokensOfANeedle() {
    assertThat(Runs.tokens("h\u00e9llo, w0rld!")).containsExactly(new Runs.Token("h\u00e9llo", true),
        new Runs.Token(",", false), new Runs.Token(" ", false), new Runs.Token("w0rld", true), new Runs.Token("!", false));
  }
}
