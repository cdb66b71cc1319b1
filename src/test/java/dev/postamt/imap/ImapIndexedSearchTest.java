package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postamt.config.Search;
import dev.postamt.search.SearchIndexes;
import dev.postamt.search.SubstringAnswers;
import dev.postamt.search.SubstringQuery;
import dev.postamt.store.Account;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageRecord;
import dev.postamt.store.SqliteMailStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SEARCH answered from the full-text index equals SEARCH by scanning, message for message: two servers
 * hold the same few hundred corpus messages plus hand-made German, CJK, HTML, attachment and encoded
 * ones; one has the index, the other reads every message. Many keys and needles, substrings, umlauts
 * and case included, and the index must have answered most of them itself.
 */
class ImapIndexedSearchTest {
  static final Path CORPUS = Path.of(System.getProperty("postamt.corpus", "/work/shared/testdata/corpus"));
  static final String USER = "alice@example.test";
  @TempDir static Path tmp;
  static ImapTestServer indexed;
  static ImapTestServer scanning;

  static final List<String> HANDMADE = List.of(
      """
      From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <juergen@example.de>
      To: Alice <alice@example.test>
      Cc: "Bob (Büro)" <bob@example.de>
      Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_der_Stra=C3=9Fe?=
      MIME-Version: 1.0
      Content-Type: text/plain; charset=iso-8859-1
      Content-Transfer-Encoding: quoted-printable

      Liebe Gr=FC=DFe, f=FCnf =C4pfel und eine gro=DFe Stra=DFe. M=FCller.
      """,
      """
      From: tanaka@example.jp
      To: alice@example.test
      Bcc: hidden@example.test
      Subject: =?UTF-8?B?5p2x5Lqs44Gu5Lya6K2w?=
      MIME-Version: 1.0
      Content-Type: text/plain; charset=utf-8
      Content-Transfer-Encoding: base64

      5p2x5Lqs6YO95riv5Yy644Gn5Lya6K2w44KS6ZaL44GN44G+44GZ44CCIFRva3lvIG1lZXRpbmcu
      """,
      """
      From: news@example.com
      To: alice@example.test
      Subject: HTML newsletter
      MIME-Version: 1.0
      Content-Type: multipart/alternative; boundary="b1"

      --b1
      Content-Type: text/plain; charset=utf-8

      Plain Zebra text
      --b1
      Content-Type: text/html; charset=utf-8

      <html><body><p>The <b>zebra</b> &amp; the lion</p></body></html>
      --b1--
      """,
      """
      From: "Carol (work)" <carol@example.org>
      To: alice@example.test
      Subject: report attached
      MIME-Version: 1.0
      Content-Type: multipart/mixed; boundary="m1"

      --m1
      Content-Type: text/plain

      See the quarterly numbers.
      --m1
      Content-Type: application/pdf; name="q3.pdf"
      Content-Disposition: attachment; filename="q3.pdf"
      Content-Transfer-Encoding: base64

      JVBERi0xLjQKJcTl8uXrCnF1YXJ0ZXJseQ==
      --m1
      Content-Type: message/rfc822

      From: inner@example.net
      Subject: inner zebra subject

      Forwarded body about a platypus.
      --m1--
      """);

  static final List<String> NEEDLES = List.of(
      "the", "and", "money", "linux", "http", "e", "th", "ion", "rpm", "spamassassin", "xyzzyq", "click here",
      "Grüße", "GRÜSSE", "grüsse", "straße", "STRASSE", "Müller", "mueller", "ü", "fünf", "ÄPFEL", "東京", "会議",
      "zebra", "ZEBRA", "&amp;", "<b>", "platypus", "inner zebra", "q3.pdf", "jvberi", "@example", ".com>",
      "bob (büro)", "büro", "  ", "re:", "subject: re", "=", "😀", "\"", "example.test", "carol", "tokyo");

  static final List<String> KEYS = List.of("BODY", "TEXT", "SUBJECT", "FROM", "TO", "CC", "BCC", "NOT BODY",
      "HEADER Subject");

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Files.isDirectory(CORPUS.resolve("ham")), "the corpus is missing");
    indexed = ImapTestServer.start(tmp.resolve("indexed"), d -> SearchIndexes.serve(new SqliteMailStore(d), Search.defaults()));
    scanning = ImapTestServer.start(tmp.resolve("scanning"));
    List<byte[]> messages = new ArrayList<>();
    for (String kind : List.of("ham", "spam")) {
      try (Stream<Path> s = Files.list(CORPUS.resolve(kind))) {
        List<Path> files = s.sorted().toList();
        for (int i = 0; i < files.size(); i += kind.equals("ham") ? 15 : 10) {
          messages.add(Files.readAllBytes(files.get(i)));
        }
      }
    }
    for (String h : HANDMADE) {
      messages.add(h.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    for (ImapTestServer server : List.of(indexed, scanning)) {
      try (Account a = server.store.open(USER)) {
        long t = 1_700_000_000_000L;
        for (byte[] m : messages) {
          a.append("INBOX", new ByteArrayInputStream(m), m.length, Set.of(), t += 1000);
        }
      }
    }
    try (Account a = indexed.store.open(USER)) {
      SearchIndexes ix = SearchIndexes.of(a).orElseThrow();
      assertThat(ix.awaitIdle(120_000)).isTrue();
      assertThat(ix.upToDate(USER)).isTrue();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (ImapTestServer s : new ImapTestServer[] {indexed, scanning}) {
      if (s != null) {
        s.close();
      }
    }
  }

  @Test
  void indexedSearchEqualsTheScanAndTheIndexAnsweredMostOfIt() throws Exception {
    try (ImapClient i = login(indexed); ImapClient s = login(scanning)) {
      int n = 0;
      for (String key : KEYS) {
        for (String needle : NEEDLES) {
          String tag = "t" + n++;
          List<String> fromIndex = search(i, tag, key, needle);
          List<String> fromScan = search(s, tag, key, needle);
          assertThat(fromIndex).as(key + " \"" + needle + "\"").isEqualTo(fromScan);
        }
      }
      // combined keys: OR, NOT, AND over several string keys
      for (String[] pair : List.of(new String[] {"zebra", "carol"}, new String[] {"the", "money"},
          new String[] {"grüße", "東京"})) {
        String tag = "c" + n++;
        String cmd = "UID SEARCH CHARSET UTF-8 OR BODY " + quoted(pair[0]) + " FROM " + quoted(pair[1])
            + " NOT SUBJECT " + quoted(pair[1]);
        assertThat(run(i, tag, cmd)).isEqualTo(run(s, tag, cmd));
      }
      // a sanity check that cannot pass by accident: some searches hit, some do not
      assertThat(search(i, "z1", "BODY", "zebra").getFirst()).matches("\\* SEARCH( \\d+)+");
      assertThat(search(i, "z2", "BODY", "xyzzyq").getFirst()).isEqualTo("* SEARCH");
    }
    // The index itself decided (yes or no) for nearly every message, the scan read the rest.
    try (Account a = indexed.store.open(USER)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      SearchIndexes ix = SearchIndexes.of(a).orElseThrow();
      List<SubstringQuery> qs = List.of(SubstringQuery.body(true, "money"), SubstringQuery.body(false, "grüße"),
          SubstringQuery.header("from", "müller"), SubstringQuery.header("subject", "e"));
      SubstringAnswers ans = ix.substrings(a, inbox.id(), inbox.uidValidity(), qs);
      List<MessageRecord> all = a.messages(inbox.id());
      for (SubstringQuery q : qs) {
        long decided = all.stream().filter(r -> ans.decide(q, r.uid()) != null).count();
        assertThat(decided).as(q.toString()).isGreaterThan(all.size() * 8L / 10);
      }
      assertThat(ans.decide(SubstringQuery.body(false, "grüße"), all.get(all.size() - 4).uid())).isTrue();
    }
  }

  @Test
  void anExpungedMessageLeavesTheResultsAndAMovedOneIsFoundInItsNewMailbox() throws Exception {
    String bob = "bob@example.test";
    try (Account a = indexed.store.open(bob)) {
      for (String word : List.of("okapi one", "okapi two", "okapi three")) {
        byte[] m = ("Subject: " + word + "\r\n\r\nbody of " + word + "\r\n").getBytes(StandardCharsets.UTF_8);
        a.append("INBOX", new ByteArrayInputStream(m), m.length, Set.of(), 1_700_000_000_000L);
      }
      assertThat(SearchIndexes.of(a).orElseThrow().awaitIdle(30_000)).isTrue();
    }
    try (ImapClient c = new ImapClient("127.0.0.1", indexed.port())) {
      c.greeting();
      c.run("a LOGIN bob " + ImapTestServer.PASSWORD, "a OK*");
      c.run("b SELECT INBOX", "b OK*");
      c.run("c UID SEARCH BODY okapi", "* SEARCH 1 2 3", "c OK*");
      c.run("d UID STORE 1 +FLAGS.SILENT (\\Deleted)", "d OK*");
      c.run("e EXPUNGE", "* 1 EXPUNGE", "e OK*");
      c.run("f UID MOVE 2 Archive", "f OK*");
      c.run("g UID SEARCH BODY okapi", "* SEARCH 3", "g OK*");
      try (Account a = indexed.store.open(bob)) {
        assertThat(SearchIndexes.of(a).orElseThrow().awaitIdle(30_000)).isTrue();
        MailboxInfo archive = a.mailbox("Archive").orElseThrow();
        SubstringQuery q = SubstringQuery.body(true, "okapi");
        SubstringAnswers ans = SearchIndexes.of(a).orElseThrow().substrings(a, archive.id(), archive.uidValidity(), List.of(q));
        assertThat(ans.decide(q, a.messages(archive.id()).getFirst().uid())).as("the index knows the moved message").isTrue();
      }
      c.run("h SELECT Archive", "h OK*");
      c.run("i UID SEARCH BODY okapi", "* SEARCH 1", "i OK*");
      c.run("j UID SEARCH BODY \"two\"", "* SEARCH 1", "j OK*");
      c.run("k UID SEARCH BODY one", "* SEARCH", "k OK*");
    }
  }

  static ImapClient login(ImapTestServer server) throws IOException {
    ImapClient c = new ImapClient("127.0.0.1", server.port());
    c.greeting();
    c.run("a LOGIN alice " + ImapTestServer.PASSWORD, "a OK*");
    c.run("b SELECT INBOX", "b OK*");
    return c;
  }

  static String quoted(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return "{" + b.length + "+}\r\n" + s;
  }

  static List<String> search(ImapClient c, String tag, String key, String needle) throws IOException {
    return run(c, tag, "UID SEARCH CHARSET UTF-8 " + key + " " + quoted(needle));
  }

  static List<String> run(ImapClient c, String tag, String command) throws IOException {
    c.sendRaw((tag + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
    List<String> lines = c.until(tag);
    assertThat(lines.getLast()).as(command).startsWith(tag + " OK");
    return lines;
  }
}
