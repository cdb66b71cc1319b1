package dev.postamt.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Search;
import dev.postamt.mime.MimePart;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageRecord;
import dev.postamt.store.SqliteMailStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexableField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SEARCH TEXT over the header lines, which the index keeps in two fields: a line as its runs, or a line
 * with a run longer than {@link MessageDocument#HEADER_MAX_RUN} (a signature's base64) as its grams. The
 * index's answers must be the scan's (a plain {@code contains} on each folded line) and never "read it"
 * for needles that stand in the headers.
 */
class HeaderLinesSubstringTest {
  static final String USER = "alice@example.test";
  static final String B64 = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefGHIJKLmnopqrSTUVwxyz/Q+r9kZ"
      + "LmNoPqRsTuVwXyZaBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789zyxwvutsrqponmlkjihgfedcba==";
  @TempDir Path dir;

  static byte[] signed(String from, String subject) {
    return ("Return-Path: <" + from + ">\r\n"
        + "Received: from mail.example.com (mail.example.com [192.0.2.17])\r\n\tby mx.example.test (Postamt) with ESMTPS id 4DzX3K1hZz;\r\n"
        + "\tMon, 7 Dec 2026 19:46:30 +0000\r\n"
        + "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel2026;\r\n"
        + "\th=from:to:subject; bh=" + B64.substring(0, 44) + ";\r\n\tb=" + B64 + "\r\n"
        + "Message-ID: <CAHk-wj8sGk9LqZ0aBcDeFgHiJkLmNoPqRsTuVwXyZ012345@mail.example.com>\r\n"
        + "From: " + from + "\r\nTo: alice@example.test\r\nSubject: " + subject + "\r\n"
        + "X-Note: 50% off_today, a+b=c\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n\r\nnothing in the body here\r\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Which of the document's header-line fields hold anything. */
  static Set<String> headerFields(byte[] m) {
    Document d = MessageDocument.build(1L, new MessageRecord(1, "m1", Set.of(), 1, 0, m.length), m,
        new MessageDocument.Budget(1 << 20, 1 << 20, 1 << 20));
    Set<String> out = new java.util.TreeSet<>();
    for (IndexableField f : d.getFields()) {
      if (f.name().equals(MessageDocument.HEADER_RUNS) || f.name().equals(MessageDocument.HEADER_GRAMS)) {
        out.add(f.name());
      }
    }
    return out;
  }

  static boolean scan(byte[] m, String needle) {
    MimePart root = MimePart.parse(m);
    String n = SearchText.fold(needle);
    return SearchText.headerLines(root).stream().anyMatch(s -> s.contains(n))
        || SearchText.bodyStrings(root).stream().anyMatch(s -> s.contains(n));
  }

  static Map<SubstringQuery, Map<Long, Boolean>> decide(SearchIndexes ix, Account a, List<Long> uids, List<String> needles) {
    MailboxInfo m = a.mailbox("INBOX").orElseThrow();
    List<SubstringQuery> qs = needles.stream().map(n -> SubstringQuery.body(false, n)).toList();
    SubstringAnswers ans = ix.substrings(a, m.id(), m.uidValidity(), qs);
    Map<SubstringQuery, Map<Long, Boolean>> out = new LinkedHashMap<>();
    for (SubstringQuery q : qs) {
      Map<Long, Boolean> d = new LinkedHashMap<>();
      for (long uid : uids) {
        d.put(uid, ans.decide(q, uid));
      }
      out.put(q, d);
    }
    return out;
  }

  @Test
  void aLineWithALongRunIsKeptAsGramsAndTheOthersAsRuns() {
    assertThat(MessageDocument.longestRun("b=" + B64)).isGreaterThan(MessageDocument.HEADER_MAX_RUN);
    assertThat(headerFields(signed("bob@example.com", "hello"))).containsExactly(
        MessageDocument.HEADER_GRAMS, MessageDocument.HEADER_RUNS);
    byte[] plain = SearchIndexesTest.message("hello", "body");
    assertThat(headerFields(plain)).containsExactly(MessageDocument.HEADER_RUNS);
  }

  @Test
  void textAnswersOverBothKindsOfLineAreTheScansAndNeverRead() throws Exception {
    try (MailStore store = SearchIndexes.serve(new SqliteMailStore(dir), Search.defaults());
        Account a = store.open(USER)) {
      Map<Long, byte[]> byUid = new LinkedHashMap<>();
      for (byte[] m : List.of(signed("Bob <bob@example.com>", "quarterly figures"), signed("carol@example.org", "Re: lunch"),
          SearchIndexesTest.message("plain one", "a zebra"))) {
        byUid.put(SearchIndexesTest.append(a, "INBOX", m), m);
      }
      SearchIndexes ix = SearchIndexesTest.idle(a);
      List<String> needles = List.of("example.com", "@example.com", "d=example.com; s=sel2026", "s=sel2026",
          B64.substring(10, 30), B64.substring(60, 90), "q+r9kz", "+r", "==", "bh=", "4dzx3k1hzz", "esmtps id 4d",
          "192.0.2.17", "2.1", "[192", "dec 2026 19:46", "x-note: 50% off_t", "a+b=c", "50%", "%", "_", "e", "ex",
          "mnopqrstuvwxyz012345@mail", "cahk-wj8", "message-id: <cahk", "quarterly", "re: lunch", "bob <bob@",
          "subject: plain", "zebra", "xyzzy", "example.net", "sel2027");
      List<Long> uids = List.copyOf(byUid.keySet());
      var answers = decide(ix, a, uids, needles);
      int yes = 0;
      for (var e : answers.entrySet()) {
        for (long uid : uids) {
          Boolean d = e.getValue().get(uid);
          assertThat(d).as("%s in UID %d decided by the index", e.getKey(), uid).isNotNull();
          assertThat(d).as("%s in UID %d", e.getKey(), uid).isEqualTo(scan(byUid.get(uid), e.getKey().needle()));
          yes += d ? 1 : 0;
        }
      }
      assertThat(yes).as("some hit, some do not").isBetween(20, needles.size() * uids.size() - 20);
    }
  }

  @Test
  void randomHeaderLinesAnswerAsTheScanDoes() throws Exception {
    Random rnd = new Random(33);
    String alphabet = "abcXYZ019 .:;=+/-<>@\u00e9\u00df";
    try (MailStore store = SearchIndexes.serve(new SqliteMailStore(dir), Search.defaults());
        Account a = store.open(USER)) {
      Map<Long, byte[]> byUid = new LinkedHashMap<>();
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        StringBuilder head = new StringBuilder();
        for (int h = 0; h < 6; h++) {
          StringBuilder v = new StringBuilder();
          int len = 5 + rnd.nextInt(rnd.nextInt(4) == 0 ? 120 : 40);
          for (int k = 0; k < len; k++) {
            // now and then a long run, as in a signature
            v.append(rnd.nextInt(60) == 0 ? "q".repeat(40) : String.valueOf(alphabet.charAt(rnd.nextInt(alphabet.length()))));
          }
          String value = v.toString().strip();
          lines.add(value);
          head.append("X-H").append(h).append(": ").append(value).append("\r\n");
        }
        byte[] m = (head + "Content-Type: text/plain; charset=utf-8\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
        byUid.put(SearchIndexesTest.append(a, "INBOX", m), m);
      }
      List<String> needles = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        String line = lines.get(rnd.nextInt(lines.size()));
        if (line.length() < 2) {
          continue;
        }
        int from = rnd.nextInt(line.length() - 1);
        String n = line.substring(from, Math.min(line.length(), from + 1 + rnd.nextInt(12)));
        needles.add(rnd.nextInt(5) == 0 ? n + "\u00e9x" : n); // some that are nowhere
      }
      needles.removeIf(n -> !Trigrams.searchable(SearchText.fold(n)) || n.isBlank());
      SearchIndexes ix = SearchIndexesTest.idle(a);
      List<Long> uids = List.copyOf(byUid.keySet());
      var answers = decide(ix, a, uids, needles);
      for (var e : answers.entrySet()) {
        for (long uid : uids) {
          Boolean d = e.getValue().get(uid);
          boolean truth = scan(byUid.get(uid), e.getKey().needle());
          if (d != null) {
            assertThat(d).as("%s in UID %d", e.getKey(), uid).isEqualTo(truth);
          }
        }
      }
    }
  }
}
