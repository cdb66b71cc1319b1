package dev.postamt.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Database;
import dev.postamt.config.Search;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.PgMailStore;
import dev.postamt.store.Quota;
import dev.postamt.store.SqliteMailStore;
import dev.postamt.testing.PgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend contract on PostgreSQL ({@link PgSearchIndex}; skipped when PostgreSQL cannot start), plus
 * what only a shared index does: two nodes index each message once, and the word answers equal Lucene's.
 */
class PgSearchBackendTest implements SearchBackendContract {
  @TempDir Path dir;
  private final List<MailStore> served = new ArrayList<>();
  private Database database;
  private PgDatabase db;

  private PgDatabase db() {
    if (db == null) {
      database = PgCluster.get().freshDatabase();
      db = PgDatabase.of(database);
    }
    return db;
  }

  @AfterEach
  void close() {
    served.forEach(MailStore::close);
    if (db != null) {
      db.close();
    }
  }

  @Override
  public MailStore plainStore() {
    return new PgMailStore(db(), dir, Quota.Policy.NONE, 0);
  }

  @Override
  public MailStore serve(Search config) {
    MailStore s = SearchBackend.serve(plainStore(), config, database);
    served.add(s);
    return s;
  }

  @Override
  public SearchBackend tool(MailStore plain) {
    db();
    return SearchBackend.forTool(plain, Search.defaults(), database);
  }

  @Test
  void twoNodesShareOneIndexAndIndexEachMessageOnce() throws Exception {
    MailStore nodeA = serve(Search.defaults());
    MailStore nodeB = serve(Search.defaults());
    int n = 40;
    long[] uids = new long[n];
    try (Account a = nodeA.open(USER); Account b = nodeB.open(USER)) {
      for (int i = 0; i < n; i++) {
        MailStore via = i % 2 == 0 ? nodeA : nodeB;
        byte[] m = SearchBackendContract.bytes(MESSAGES.get(i % 3).replace("Liebe", "Liebe m" + i + "x"));
        try (Account x = via.open(USER)) {
          uids[i] = SearchBackendContract.append(x, "INBOX", m);
        }
      }
      SearchBackend ixA = SearchBackendContract.idle(a);
      SearchBackend ixB = SearchBackendContract.idle(b);
      assertThat(ixA).isNotSameAs(ixB);
      assertThat(ixA.upToDate(USER) && ixB.upToDate(USER)).isTrue();
      assertThat(ixA.indexedCount() + ixB.indexedCount()).as("each message indexed by one node").isEqualTo(n);
      for (int i = 0; i < n; i += 3) {
        assertThat(SearchBackendContract.body(ixB, b, "INBOX", uids[i], "liebe m" + i + "x")).isTrue();
        assertThat(SearchBackendContract.body(ixA, a, "INBOX", uids[i], "liebe m" + i + "x")).isTrue();
        assertThat(SearchBackendContract.body(ixA, a, "INBOX", uids[i], "liebe m" + (i + 1) + "x")).isFalse();
      }
    }
  }

  @Test
  void wordAnswersEqualLucenes() throws Exception {
    Path luceneDir = Files.createDirectories(dir.resolve("lucene"));
    List<String> queries = List.of("text:müller", "text:strasse", "text:straße", "subject:gru", "text:ap",
        "text:\"fünf äpfel\"", "body:\"a zebra\"", "text:zebra -okapi", "text:okapi | quokka", "from:example",
        "to:alice", "cc:büro", "text:50", "text:snake_case", "text:off_today", "body:notes", "text:\"nothing else\"",
        "text:quok*", "text:-zebra", "body:Liebe Grüße", "text:xyzzy");
    MailStore pg = serve(Search.defaults());
    try (MailStore lucene = SearchBackend.serve(new SqliteMailStore(luceneDir), Search.defaults(), Database.sqlite());
        Account p = pg.open(USER); Account l = lucene.open(USER)) {
      List<long[]> pairs = new ArrayList<>();
      for (String m : MESSAGES) {
        pairs.add(new long[] {SearchBackendContract.append(p, "INBOX", SearchBackendContract.bytes(m)),
            SearchBackendContract.append(l, "INBOX", SearchBackendContract.bytes(m))});
      }
      SearchBackend ixP = SearchBackendContract.idle(p);
      SearchBackend ixL = SearchBackendContract.idle(l);
      long boxP = p.mailbox("INBOX").orElseThrow().id();
      long boxL = l.mailbox("INBOX").orElseThrow().id();
      int hits = 0;
      for (String q : queries) {
        String[] pq = q.split(":", 2);
        WordMatches wp = ixP.words(p, pq[0], pq[1]).orElseThrow();
        WordMatches wl = ixL.words(l, pq[0], pq[1]).orElseThrow();
        for (long[] uid : pairs) {
          Boolean fromLucene = wl.decide(boxL, uid[1]);
          assertThat(fromLucene).isNotNull();
          assertThat(wp.decide(boxP, uid[0])).as(q).isEqualTo(fromLucene);
          hits += fromLucene ? 1 : 0;
        }
      }
      assertThat(hits).as("some hit, some do not").isBetween(10, queries.size() * pairs.size() - 10);
    }
  }
}
