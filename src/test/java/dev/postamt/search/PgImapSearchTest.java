package dev.postamt.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Database;
import dev.postamt.directory.Directory;
import dev.postamt.imap.ImapClient;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.store.Account;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageRecord;
import dev.postamt.testing.PgCluster;
import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a server on PostgreSQL ({@code [database] url}, so the index is {@link PgSearchIndex})
 * answers IMAP SEARCH as a server without an index does, before and after an expunge, the index having
 * decided the messages itself; {@code postamt search reindex} rebuilds it. Skipped when PostgreSQL cannot
 * start.
 */
class PgImapSearchTest {
  @TempDir Path dir;
  private final List<TestServer> servers = new ArrayList<>();
  private PgDatabase pool;

  @AfterEach
  void stop() {
    servers.forEach(TestServer::close);
    if (pool != null) {
      pool.close();
    }
  }

  @Test
  void imapSearchOnPostgresAnswersAsTheScanAndTheSharedIndexDecides() throws Exception {
    PgCluster pg = PgCluster.get();
    Database db = pg.freshDatabase();
    pool = PgDatabase.of(db);
    try (Directory d = Directory.open(pool)) {
      d.addDomain("example.test");
      d.addUser("alice@example.test", TestServer.PASSWORD.toCharArray());
    }
    TestServer indexed = TestServer.start(dir.resolve("pg"), """
        [database]
        url = "%s"
        """.formatted(pg.url(db.postgres().orElseThrow().database())));
    servers.add(indexed);
    TestServer scanning = TestServer.start(dir.resolve("scan"), """
        [search]
        enabled = false
        """);
    servers.add(scanning);
    for (TestServer t : servers) {
      try (Account a = t.server.store().open(SearchBackendContract.USER)) {
        for (String m : SearchBackendContract.MESSAGES) {
          SearchBackendContract.append(a, "INBOX", SearchBackendContract.bytes(m));
        }
      }
    }
    try (Account a = indexed.server.store().open(SearchBackendContract.USER)) {
      SearchBackend ix = SearchBackendContract.idle(a);
      assertThat(ix).isInstanceOf(PgSearchIndex.class);
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      SubstringQuery q = SubstringQuery.body(false, "zebra");
      SubstringAnswers ans = ix.substrings(a, inbox.id(), inbox.uidValidity(), List.of(q));
      for (MessageRecord r : a.messages(inbox.id())) {
        assertThat(ans.decide(q, r.uid())).as("decided by the index").isNotNull();
      }
    }
    try (Account a = scanning.server.store().open(SearchBackendContract.USER)) {
      assertThat(SearchBackend.of(a)).as("the scanning server has no index").isEmpty();
    }

    ImapClient i = indexed.imapLogin("alice@example.test");
    ImapClient s = scanning.imapLogin("alice@example.test");
    for (ImapClient c : List.of(i, s)) {
      c.run("S SELECT INBOX", "S OK*");
    }
    compare(i, s, "a");
    assertThat(search(i, "z1", "BODY", "zebra").getFirst()).isEqualTo("* SEARCH 2 3");
    assertThat(search(i, "z2", "FROM", "MÜLLER").getFirst()).isEqualTo("* SEARCH 1");
    for (ImapClient c : List.of(i, s)) {
      c.run("X UID STORE 2 +FLAGS.SILENT (\\Deleted)", "X OK*");
      c.run("Y EXPUNGE", "* 2 EXPUNGE", "Y OK*");
    }
    compare(i, s, "b");
    assertThat(search(i, "z3", "BODY", "zebra").getFirst()).isEqualTo("* SEARCH 3");

    // postamt search reindex on PostgreSQL: done by the tool itself, the running server keeps answering
    var done = new dev.postamt.admin.Admin(indexed.config).search().reindex("alice@example.test");
    assertThat(done.byServer()).isFalse();
    compare(i, s, "c");
  }

  private static void compare(ImapClient i, ImapClient s, String round) throws Exception {
    int n = 0;
    for (String key : List.of("BODY", "TEXT", "SUBJECT", "FROM", "TO", "CC", "NOT BODY")) {
      for (String needle : SearchBackendContract.NEEDLES) {
        String tag = round + n++;
        assertThat(search(i, tag, key, needle)).as(key + " \"" + needle + "\"").isEqualTo(search(s, tag, key, needle));
      }
    }
  }

  private static List<String> search(ImapClient c, String tag, String key, String needle) throws Exception {
    int length = needle.getBytes(StandardCharsets.UTF_8).length;
    return c.run(tag + " UID SEARCH CHARSET UTF-8 " + key + " {" + length + "+}\r\n" + needle, tag + " OK*");
  }
}
