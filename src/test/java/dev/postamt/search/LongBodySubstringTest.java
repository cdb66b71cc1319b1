package dev.postamt.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Search;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.SqliteMailStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A body longer than {@link Trigrams#POSITIONAL_CHARS}: positions for its start, the set of its grams for
 * all of it. The index says yes only for what it has seen in place, no only when a piece of the needle is
 * nowhere in the body, and "read it" otherwise; the answers are compared with the scan's (a plain
 * {@code contains} on the folded text).
 */
class LongBodySubstringTest {
  static final String USER = "alice@example.test";
  @TempDir Path dir;
  MailStore store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void distinctGramsAreEachGramOnceInOrderOfFirstSight() throws IOException {
    // with runs of one character (a gram equal to the one before) and a run again after other grams
    String joined = Trigrams.join(List.of("abcabcabd", "\u00e9t\u00e9", "aaaaaab   ---- aaa", "zz", "z"));
    List<String> grams = terms(Trigrams.distinct(joined));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i + 3 <= joined.length(); i++) {
      String g = joined.substring(i, i + 3);
      if (!expected.contains(g)) {
        expected.add(g);
      }
    }
    assertThat(grams).containsExactlyElementsOf(expected);
  }

  @Test
  void distinctGramsOfTextsInRunsAreEachGramOnceInOrderOfFirstSight() throws IOException {
    // runs of one character of any length (the set passes the rest of a run once its gram repeats)
    java.util.Random rnd = new java.util.Random(16);
    for (int round = 0; round < 200; round++) {
      List<String> strings = randomStrings(rnd, 300,
          () -> String.valueOf("aXb -\u00e9".charAt(rnd.nextInt(6))).repeat(1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 90)));
      String joined = Trigrams.join(strings);
      List<String> expected = new ArrayList<>();
      for (int i = 0; i + 3 <= joined.length(); i++) {
        String g = joined.substring(i, i + 3);
        if (!expected.contains(g)) {
          expected.add(g);
        }
      }
      assertThat(terms(Trigrams.distinct(joined))).as("%s", strings).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void distinctGramsOfALargeVariedTextAreAllThere() throws IOException {
    // more distinct grams than the set's first table holds: it must grow without losing any
    StringBuilder b = new StringBuilder();
    java.util.Random rnd = new java.util.Random(42);
    for (int i = 0; i < 60_000; i++) {
      b.append((char) ('a' + rnd.nextInt(26)));
    }
    String joined = Trigrams.join(List.of(b.toString()));
    java.util.Set<String> expected = new java.util.HashSet<>();
    for (int i = 0; i + 3 <= joined.length(); i++) {
      expected.add(joined.substring(i, i + 3));
    }
    List<String> grams = terms(Trigrams.distinct(joined));
    assertThat(grams).hasSize(expected.size());
    assertThat(new java.util.HashSet<>(grams)).isEqualTo(expected);
  }

  @Test
  void aLongBodyAnswersYesInItsStartReadItBeyondAndNoWhenAPieceIsMissing() throws Exception {
    StringBuilder body = new StringBuilder("the wombat opens the letter\r\n");
    while (body.length() < Trigrams.POSITIONAL_CHARS + 5000) {
      body.append("filler line with some words, quokka and numbat\r\n");
    }
    body.append("far down: the platypus signs it, zq\r\n");
    store = SearchIndexes.serve(new SqliteMailStore(dir), Search.defaults());
    try (Account a = store.open(USER)) {
      long uid = SearchIndexesTest.append(a, "INBOX", SearchIndexesTest.message("long", body.toString()));
      long shortUid = SearchIndexesTest.append(a, "INBOX", SearchIndexesTest.message("short", "a platypus"));
      SearchIndexes ix = SearchIndexesTest.idle(a);
      String folded = SearchText.fold(body.toString());
      for (String needle : List.of("wombat", "WOMBAT opens", "platypus", "platypus signs", "zq", "q", "xylophone",
          "numbat quokka", "wombat signs", "latypu", "s, q", "far down:", ": t")) {
        Boolean answer = SearchIndexesTest.body(ix, a, "INBOX", uid, needle);
        boolean truth = folded.contains(SearchText.fold(needle));
        if (answer != null) {
          assertThat(answer).as(needle).isEqualTo(truth);
        } else {
          assertThat(Runs.tokens(SearchText.fold(needle))).as("only needles of several pieces are read: " + needle).hasSizeGreaterThan(1);
        }
      }
      assertThat(SearchIndexesTest.body(ix, a, "INBOX", uid, "wombat")).as("in the positional start").isTrue();
      assertThat(SearchIndexesTest.body(ix, a, "INBOX", uid, "platypus")).as("beyond it, one run: the set of runs").isTrue();
      assertThat(SearchIndexesTest.body(ix, a, "INBOX", uid, "latypu")).as("inside a run beyond it").isTrue();
      assertThat(SearchIndexesTest.body(ix, a, "INBOX", uid, "platypus signs")).as("beyond it, several: read").isNull();
      assertThat(SearchIndexesTest.body(ix, a, "INBOX", uid, "platypus xylophone")).as("a piece missing").isFalse();
      assertThat(SearchIndexesTest.body(ix, a, "INBOX", uid, "zq")).as("short needles: exact everywhere").isTrue();
      assertThat(SearchIndexesTest.body(ix, a, "INBOX", uid, "xylophone")).as("a piece missing").isFalse();
      assertThat(SearchIndexesTest.body(ix, a, "INBOX", shortUid, "platypus")).as("a short body: exact").isTrue();
      assertThat(SearchIndexesTest.body(ix, a, "INBOX", shortUid, "wombat")).isFalse();

      // TEXT (headers or body): a header hit is a yes even where the body would be read
      MailboxInfo m = a.mailbox("INBOX").orElseThrow();
      SubstringQuery text = SubstringQuery.body(false, "bob@example.org");
      assertThat(ix.substrings(a, m.id(), m.uidValidity(), List.of(text)).decide(text, uid)).isTrue();
      SubstringQuery beyond = SubstringQuery.body(false, "platypus signs");
      assertThat(ix.substrings(a, m.id(), m.uidValidity(), List.of(beyond)).decide(beyond, uid)).isNull();
    }
  }

  @Test
  void aBodyWithARunTooLongForOneTokenIsReadWhereTheCutMayHideTheNeedle() throws Exception {
    String run = "q".repeat(Runs.MAX_RUN - 3) + "needle" + "z".repeat(200);
    String body = "intro words\r\n" + run + "\r\n" + "filler words to make it long\r\n".repeat(700) + "the end\r\n";
    store = SearchIndexes.serve(new SqliteMailStore(dir), Search.defaults());
    try (Account a = store.open(USER)) {
      long uid = SearchIndexesTest.append(a, "INBOX", SearchIndexesTest.message("cut", body));
      SearchIndexes ix = SearchIndexesTest.idle(a);
      assertThat(SearchIndexesTest.body(ix, a, "INBOX", uid, "needle")).as("across the cut: read").isNull();
      assertThat(SearchIndexesTest.body(ix, a, "INBOX", uid, "intro words")).isTrue();
      assertThat(SearchIndexesTest.body(ix, a, "INBOX", uid, "xylophone")).isFalse();
      assertThat(SearchIndexesTest.body(ix, a, "INBOX", uid, "qz")).as("short: the gram set").isFalse();
      assertThat(SearchIndexesTest.body(ix, a, "INBOX", uid, "ez")).as("short: the gram set").isTrue();
    }
  }

  @Test
  void distinctRunsAreEachTokenOnceInOrderOfFirstSight() throws IOException {
    java.util.Random rnd = new java.util.Random(5032);
    // runs of other characters of every length, so that the stream's UTF-8 room grows more than once
    String[] pieces = {"ab", "b", "x1", " ", ".", "\u00e9t\u00e9", "ab", "\n", "\u00e9".repeat(40), "\u4e2d\u00e9".repeat(70)};
    for (int round = 0; round < 300; round++) {
      List<String> strings = randomStrings(rnd, 120, () -> pieces[rnd.nextInt(pieces.length)]);
      String joined = Trigrams.join(strings);
      List<String> expected = new ArrayList<>();
      for (Runs.Token t : Runs.tokens(joined)) {
        if (!t.text().equals(String.valueOf(Trigrams.SEPARATOR)) && !expected.contains(t.text())) {
          expected.add(t.text());
        }
      }
      assertThat(byteTerms(Runs.distinct(joined.toCharArray()))).as("%s", strings).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void pairsAreEachCharacterAndAdjacentAsciiPairOnceButNoneAcrossASeparator() throws IOException {
    java.util.Random rnd = new java.util.Random(6203);
    // both halves of ASCII and their edges (? @ DEL U+0001), and repeats: a pair is noted once however often it comes
    char[] pool = {'a', 'b', ' ', '\u00e9', '\u4e2d', 'x', 'x', 'x', '?', '@', '\u007f', '\u0001', '0'};
    for (int round = 0; round < 300; round++) {
      List<String> strings = randomStrings(rnd, 60, () -> String.valueOf(pool[rnd.nextInt(pool.length)]));
      java.util.Set<String> expected = new java.util.HashSet<>();
      for (String str : strings) {
        for (int i = 0; i < str.length(); i++) {
          expected.add(str.substring(i, i + 1));
          if (i + 1 < str.length() && str.charAt(i) < 0x80 && str.charAt(i + 1) < 0x80) {
            expected.add(str.substring(i, i + 2));
          }
        }
      }
      List<String> got = byteTerms(Pairs.stream(Trigrams.joinChars(strings)));
      assertThat(got).as("%s", strings).doesNotHaveDuplicates();
      assertThat(new java.util.HashSet<>(got)).as("%s", strings).isEqualTo(expected);
    }
  }

  @Test
  void pairsCollectedWithTheRunSetAreThoseOfTheWholeText() throws IOException {
    java.util.Random rnd = new java.util.Random(7207);
    // runs that repeat (their pairs are noted once), runs next to other characters, non-ASCII in and
    // around runs, separators between the strings
    String[] pieces = {"ab", "ab", "b", "x1", "1x", " ", ".", "..", "\u00e9t\u00e9", "\u00e9", "\n", "\u4e2d", "A?", "@z", "\u007f"};
    for (int round = 0; round < 500; round++) {
      List<String> strings = randomStrings(rnd, 80, () -> pieces[rnd.nextInt(pieces.length)]);
      char[] joined = Trigrams.joinChars(strings);
      Pairs.Set set = new Pairs.Set();
      assertThat(Runs.distinct(joined, joined.length, set)).isNotNull();
      List<String> fused = byteTerms(set.stream());
      assertThat(fused).as("%s", strings).doesNotHaveDuplicates();
      assertThat(new java.util.HashSet<>(fused)).as("%s", strings)
          .isEqualTo(new java.util.HashSet<>(byteTerms(Pairs.stream(joined))));
    }
  }

  /** One to three strings, each of {@code piece}s up to a random length below {@code max} (or a piece past it). */
  private static List<String> randomStrings(java.util.Random rnd, int max, java.util.function.Supplier<String> piece) {
    List<String> strings = new ArrayList<>();
    for (int k = 0, n = 1 + rnd.nextInt(3); k < n; k++) {
      StringBuilder b = new StringBuilder();
      for (int len = rnd.nextInt(max); b.length() < len; ) {
        b.append(piece.get());
      }
      strings.add(b.toString());
    }
    return strings;
  }

  private static List<String> byteTerms(TokenStream ts) throws IOException {
    List<String> out = new ArrayList<>();
    var t = ts.getAttribute(org.apache.lucene.analysis.tokenattributes.TermToBytesRefAttribute.class);
    ts.reset();
    while (ts.incrementToken()) {
      out.add(t.getBytesRef().utf8ToString());
    }
    ts.end();
    ts.close();
    return out;
  }

  private static List<String> terms(TokenStream ts) throws IOException {
    List<String> out = new ArrayList<>();
    CharTermAttribute t = ts.getAttribute(CharTermAttribute.class);
    ts.reset();
    while (ts.incrementToken()) {
      out.add(t.toString());
    }
    ts.end();
    ts.close();
    return out;
  }
}
