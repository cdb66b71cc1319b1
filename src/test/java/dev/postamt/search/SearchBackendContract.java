package dev.postamt.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Search;
import dev.postamt.mime.MimePart;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageRecord;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every full-text backend ({@link SearchBackend}) does, run against Lucene ({@code
 * LuceneSearchBackendTest}) and PostgreSQL ({@code PgSearchBackendTest}): IMAP substring answers equal to
 * the scan's (umlauts, case, headers, LIKE's own characters), JMAP word queries with diacritics, prefixes,
 * phrases and exclusions, "read it" for what the index has not seen, removal after expunge, move and
 * mailbox deletion, and a rebuild from the store.
 */
interface SearchBackendContract {
  String USER = "alice@example.test";

  /** A store without indexing over the test's mail (the same mail at every call); the test closes it. */
  MailStore plainStore();

  /** The server's store with indexing in this backend, over the test's mail; closed by the implementation. */
  MailStore serve(Search config);

  /** The backend for tools over {@code plain} ({@code postamt search reindex}); the test closes it. */
  SearchBackend tool(MailStore plain);

  /** German, encoded words, address comments, characters LIKE treats specially. */
  List<String> MESSAGES = List.of(
      """
      From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <juergen@example.de>
      To: Alice <alice@example.test>
      Cc: "Bob (Büro)" <bob@example.de>
      Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_der_Stra=C3=9Fe?=
      X-Custom: Hallo Welt
      MIME-Version: 1.0
      Content-Type: text/plain; charset=iso-8859-1
      Content-Transfer-Encoding: quoted-printable

      Liebe Gr=FC=DFe, f=FCnf =C4pfel und eine gro=DFe Stra=DFe. M=FCller.
      """,
      """
      From: Carol <carol@example.org>
      To: alice@example.test
      Subject: 50% off_today [zebra]
      Content-Type: text/plain; charset=utf-8

      A zebra and an okapi cross the road: 100% sure, snake_case \\ backslash.
      """,
      """
      From: dave@example.net
      To: Alice <alice@example.test>, Eve <eve@example.test>
      Subject: Re: STRASSE
      Content-Type: multipart/mixed; boundary="b1"

      --b1
      Content-Type: text/html; charset=utf-8

      <p>Only a <b>zebra</b> here, &amp; nothing else.</p>
      --b1
      Content-Type: text/plain; charset=utf-8; name="notes.txt"
      Content-Disposition: attachment; filename="notes.txt"

      quokka notes
      --b1--
      """);

  List<String> NEEDLES = List.of("müller", "MÜLLER", "mueller", "grüße", "GRÜSSE", "straße", "strasse", "ü", "e",
      "ße", "fünf äpfel", "bob (büro)", "büro", "x-custom: hallo", "hallo welt", "zebra", "ZEBRA", "50%", "%",
      "_", "off_t", "a_d", "a%d", "and", "\\", "100% s", "<b>", "&amp;", "quokka", "notes.txt", "re: str", "eve", "example",
      "xyzzy");

  List<String> KEYS = List.of("BODY", "TEXT", "from", "to", "cc", "bcc", "subject");

  static byte[] bytes(String m) {
    return m.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
  }

  static long append(Account a, String mailbox, byte[] m) {
    return a.append(mailbox, new ByteArrayInputStream(m), m.length, Set.of(), 1_700_000_000_000L).uid();
  }

  static SearchBackend idle(Account a) throws InterruptedException {
    SearchBackend ix = SearchBackend.of(a).orElseThrow();
    assertThat(ix.awaitIdle(60_000)).as("indexer idle").isTrue();
    return ix;
  }

  static SubstringQuery query(String key, String needle) {
    return switch (key) {
      case "BODY" -> SubstringQuery.body(true, needle);
      case "TEXT" -> SubstringQuery.body(false, needle);
      default -> SubstringQuery.header(key, needle);
    };
  }

  /** What the scan answers: the strings {@link SearchText} gives it, searched one by one. */
  static boolean scan(byte[] message, SubstringQuery q) {
    MimePart root = MimePart.parse(message);
    List<String> strings = new ArrayList<>();
    switch (q.target()) {
      case HEADER -> strings.addAll(SearchText.headerStrings(root, q.field()));
      case BODY -> strings.addAll(SearchText.bodyStrings(root));
      case TEXT -> {
        strings.addAll(SearchText.headerLines(root));
        strings.addAll(SearchText.bodyStrings(root));
      }
    }
    return strings.stream().anyMatch(s -> s.contains(q.needle()));
  }

  static Boolean body(SearchBackend ix, Account a, String mailbox, long uid, String needle) {
    MailboxInfo m = a.mailbox(mailbox).orElseThrow();
    SubstringQuery q = SubstringQuery.body(true, needle);
    return ix.substrings(a, m.id(), m.uidValidity(), List.of(q)).decide(q, uid);
  }

  @Test
  default void substringAnswersAreTheScansForUmlautsCaseHeadersAndWildcardCharacters() throws Exception {
    MailStore store = serve(Search.defaults());
    try (Account a = store.open(USER)) {
      Map<Long, byte[]> byUid = new LinkedHashMap<>();
      for (String m : MESSAGES) {
        byUid.put(append(a, "INBOX", bytes(m)), bytes(m));
      }
      SearchBackend ix = idle(a);
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      List<SubstringQuery> qs = new ArrayList<>();
      for (String key : KEYS) {
        for (String needle : NEEDLES) {
          qs.add(query(key, needle));
        }
      }
      SubstringAnswers ans = ix.substrings(a, inbox.id(), inbox.uidValidity(), qs);
      int yes = 0;
      for (SubstringQuery q : qs) {
        for (var e : byUid.entrySet()) {
          Boolean d = ans.decide(q, e.getKey());
          assertThat(d).as("%s in UID %d decided by the index", q, e.getKey()).isNotNull();
          assertThat(d).as("%s in UID %d", q, e.getKey()).isEqualTo(scan(e.getValue(), q));
          yes += d ? 1 : 0;
        }
      }
      assertThat(yes).as("some keys hit, some do not").isBetween(20, qs.size() * byUid.size() - 20);
      List<Long> uids = List.copyOf(byUid.keySet());
      // the cases this is about, spelled out
      assertThat(ans.decide(query("from", "MÜLLER"), uids.get(0))).isTrue();
      assertThat(ans.decide(query("to", "müller"), uids.get(0))).isFalse();
      assertThat(ans.decide(query("BODY", "straße"), uids.get(0))).isTrue();
      assertThat(ans.decide(query("BODY", "strasse"), uids.get(0))).as("a substring, not a word").isFalse();
      assertThat(ans.decide(query("subject", "strasse"), uids.get(2))).isTrue();
      assertThat(ans.decide(query("TEXT", "x-custom: hallo"), uids.get(0))).isTrue();
      assertThat(ans.decide(query("BODY", "x-custom: hallo"), uids.get(0))).isFalse();
      assertThat(ans.decide(query("BODY", "a_d"), uids.get(1))).as("_ is no wildcard").isFalse();
      assertThat(ans.decide(query("BODY", "a%d"), uids.get(1))).as("%% is no wildcard").isFalse();
      assertThat(ans.decide(query("BODY", "and"), uids.get(1))).isTrue();
      assertThat(ans.decide(query("subject", "off_t"), uids.get(1))).isTrue();
      assertThat(ans.decide(query("BODY", "100% s"), uids.get(1))).isTrue();
    }
  }

  @Test
  default void wordQueriesFoldDiacriticsMatchPrefixesPhrasesAndExclusions() throws Exception {
    MailStore store = serve(Search.defaults());
    try (Account a = store.open(USER)) {
      List<Long> uids = new ArrayList<>();
      for (String m : MESSAGES) {
        uids.add(append(a, "INBOX", bytes(m)));
      }
      SearchBackend ix = idle(a);
      long inbox = a.mailbox("INBOX").orElseThrow().id();
      Map<String, List<Boolean>> expected = new LinkedHashMap<>();
      expected.put("text:müller", List.of(true, false, false));
      expected.put("text:muller", List.of(true, false, false));
      expected.put("subject:gru", List.of(true, false, false));
      expected.put("text:\"fünf äpfel\"", List.of(true, false, false));
      expected.put("text:\"äpfel fünf\"", List.of(false, false, false));
      expected.put("text:roads", List.of(false, true, false)); // the stem
      expected.put("text:\"the road\"", List.of(false, true, false));
      expected.put("text:\"the roads\"", List.of(false, false, false)); // a phrase is of words, not stems
      expected.put("text:zebra", List.of(false, true, true));
      expected.put("text:zebra -okapi", List.of(false, false, true));
      expected.put("text:okapi | quokka", List.of(false, true, true));
      expected.put("body:quokka", List.of(false, false, true));
      expected.put("subject:quokka", List.of(false, false, false));
      expected.put("from:carol", List.of(false, true, false));
      expected.put("to:eve", List.of(false, false, true));
      for (var e : expected.entrySet()) {
        String[] pq = e.getKey().split(":", 2);
        WordMatches w = ix.words(a, pq[0], pq[1]).orElseThrow();
        for (int i = 0; i < uids.size(); i++) {
          assertThat(w.decide(inbox, uids.get(i))).as("%s in message %d", e.getKey(), i).isEqualTo(e.getValue().get(i));
        }
      }
    }
  }

  @Test
  default void messagesTheIndexHasNotSeenAreLeftToTheScan() throws Exception {
    try (MailStore plain = plainStore(); Account a = plain.open(USER)) {
      long old = append(a, "INBOX", bytes(MESSAGES.get(1)));
      long fresh;
      try (SearchBackend tool = tool(plain)) {
        assertThat(tool.rebuild(USER)).isEqualTo(SearchIndexes.Rebuilt.DONE);
        assertThat(tool.users()).contains(USER);
        fresh = append(a, "INBOX", bytes(MESSAGES.get(2)));
        assertThat(body(tool, a, "INBOX", old, "zebra")).isTrue();
        assertThat(body(tool, a, "INBOX", old, "quokka")).isFalse();
        assertThat(body(tool, a, "INBOX", fresh, "zebra")).as("not indexed yet: read it").isNull();
        assertThat(tool.upToDate(USER)).isFalse();
        MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
        SubstringQuery q = SubstringQuery.body(true, "zebra");
        assertThat(tool.substrings(a, inbox.id(), inbox.uidValidity() + 1, List.of(q)).decide(q, old))
            .as("another UIDVALIDITY").isNull();
      }
      try (SearchBackend tool = tool(plain)) { // postamt search reindex, a second time
        assertThat(tool.rebuild(USER)).isEqualTo(SearchIndexes.Rebuilt.DONE);
        assertThat(body(tool, a, "INBOX", fresh, "zebra")).as("rebuilt from the store").isTrue();
        assertThat(body(tool, a, "INBOX", old, "zebra")).isTrue();
        assertThat(tool.upToDate(USER)).isTrue();
      }
    }
  }

  @Test
  default void expungedMovedAndDeletedMailLeavesTheIndex() throws Exception {
    MailStore store = serve(Search.defaults());
    try (Account a = store.open(USER)) {
      long one = append(a, "INBOX", bytes(MESSAGES.get(1)));
      long two = append(a, "INBOX", bytes(MESSAGES.get(2)));
      a.create("Old", null);
      long old = append(a, "Old", bytes(MESSAGES.get(1)));
      SearchBackend ix = idle(a);
      assertThat(body(ix, a, "INBOX", one, "zebra")).isTrue();
      assertThat(body(ix, a, "INBOX", two, "zebra")).isTrue();
      assertThat(body(ix, a, "Old", old, "okapi")).isTrue();
      long oldId = a.mailbox("Old").orElseThrow().id();
      long oldValidity = a.mailbox("Old").orElseThrow().uidValidity();

      long inbox = a.mailbox("INBOX").orElseThrow().id();
      a.store(inbox, List.of(one), Account.FlagMode.ADD, List.of("\\Deleted"));
      a.expunge(inbox, Optional.empty());
      List<MessageRecord> left = a.messages(inbox);
      Account.CopyResult moved = a.move(inbox, left.stream().filter(r -> r.uid() == two).toList(), "Archive");
      a.delete("Old");
      idle(a);
      assertThat(body(ix, a, "INBOX", one, "zebra")).as("expunged: unknown to the index").isNull();
      assertThat(body(ix, a, "INBOX", two, "zebra")).as("moved away").isNull();
      assertThat(body(ix, a, "Archive", moved.targetUids().getFirst(), "zebra")).isTrue();
      assertThat(body(ix, a, "Archive", moved.targetUids().getFirst(), "okapi")).isFalse();
      SubstringQuery q = SubstringQuery.body(true, "okapi");
      assertThat(ix.substrings(a, oldId, oldValidity, List.of(q)).decide(q, old)).as("mailbox deleted").isNull();
      assertThat(ix.upToDate(USER)).isTrue();
      WordMatches w = ix.words(a, "text", "zebra").orElseThrow();
      assertThat(w.decide(inbox, one)).isNull();
      assertThat(w.decide(a.mailbox("Archive").orElseThrow().id(), moved.targetUids().getFirst())).isTrue();
    }
  }

  @Test
  default void aDeliveryIsFoundOnceTheIndexerHasItAndAFullQueueCatchesUpLater() throws Exception {
    MailStore store = serve(new Search(true, 1, 50L << 20, 1000));
    List<String> users = List.of("u1@example.test", "u2@example.test", "u3@example.test", "u4@example.test");
    for (String u : users) {
      byte[] m = bytes(MESSAGES.get(0).replace("Liebe", "Liebe " + u.substring(0, 2)));
      store.deliver(u, new MailStore.DeliveryId(1_700_000_000L, "q" + u, "test"), new ByteArrayInputStream(m), m.length);
    }
    for (String u : users) {
      try (Account a = store.open(u)) {
        SearchBackend ix = idle(a);
        assertThat(ix.upToDate(u)).as(u).isTrue();
        long uid = a.messages(a.mailbox("INBOX").orElseThrow().id()).getFirst().uid();
        assertThat(body(ix, a, "INBOX", uid, "liebe " + u.substring(0, 2))).isTrue();
        assertThat(body(ix, a, "INBOX", uid, "liebe u9")).isFalse();
      }
    }
  }
}
