package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Search;
import dev.postamt.search.SearchIndexes;
import dev.postamt.search.SubstringAnswers;
import dev.postamt.search.SubstringQuery;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.SqliteMailStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postamt search reindex ADDRESS|--all}: builds the index from the store (which then answers
 * searches), rebuilds it when it exists, hands the work to a running server that holds the index, and
 * refuses an unknown user in one line.
 */
class SearchCommandTest {
  @TempDir Path tmp;
  CliFixture cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliFixture(tmp);
    cli.ok("domain", "add", "example.test");
    cli.ok("user", "add", "alice@example.test", "--password", "pw-alice-1");
    cli.ok("user", "add", "bob@example.test", "--password", "pw-bob-12");
    try (MailStore store = new SqliteMailStore(cli.data)) {
      append(store, "alice@example.test", "Subject: hello\r\n\r\nthe wombat sleeps\r\n");
      append(store, "bob@example.test", "Subject: hi\r\n\r\nthe quokka smiles\r\n");
    }
  }

  static void append(MailStore store, String user, String message) {
    byte[] b = message.getBytes(StandardCharsets.UTF_8);
    try (Account a = store.open(user)) {
      a.append("INBOX", new ByteArrayInputStream(b), b.length, Set.of(), 1_700_000_000_000L);
    }
  }

  /** Whether the index (as built on disk) says the user's first INBOX message contains {@code word}. */
  Boolean indexSays(String user, String word) {
    try (MailStore store = SearchIndexes.serve(new SqliteMailStore(cli.data), new Search(true, 10, 1 << 20, 0));
        Account a = store.open(user)) {
      SearchIndexes ix = SearchIndexes.of(a).orElseThrow();
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      SubstringQuery q = SubstringQuery.body(true, word);
      SubstringAnswers ans = ix.substrings(a, inbox.id(), inbox.uidValidity(), List.of(q));
      return ans.decide(q, a.messages(inbox.id()).getFirst().uid());
    }
  }

  @Test
  void reindexBuildsTheIndexOfOneUserOrOfAll() {
    CliFixture.Result one = cli.ok("search", "reindex", "alice@example.test");
    assertThat(one.out().strip()).isEqualTo("alice@example.test: index rebuilt");
    assertThat(Files.isDirectory(cli.data.resolve("search").resolve("alice@example.test"))).isTrue();
    assertThat(Files.exists(cli.data.resolve("search").resolve("bob@example.test"))).isFalse();
    assertThat(indexSays("alice@example.test", "wombat")).isTrue();
    assertThat(indexSays("alice@example.test", "quokka")).isFalse();

    CliFixture.Result all = cli.ok("search", "reindex", "--all");
    assertThat(all.lines()).containsExactly("alice@example.test: index rebuilt", "bob@example.test: index rebuilt");
    assertThat(indexSays("bob@example.test", "quokka")).isTrue();
  }

  @Test
  void whileAServerHoldsTheIndexTheServerRebuildsIt() throws Exception {
    try (MailStore store = SearchIndexes.serve(new SqliteMailStore(cli.data), Search.defaults());
        Account a = store.open("alice@example.test")) {
      SearchIndexes ix = SearchIndexes.of(a).orElseThrow();
      assertThat(ix.awaitIdle(30_000)).isTrue();
      CliFixture.Result r = cli.ok("search", "reindex", "alice@example.test");
      assertThat(r.out().strip()).isEqualTo("alice@example.test: the running server rebuilds the index");
      Path request = cli.data.resolve("search").resolve(".reindex").resolve("alice@example.test");
      for (int i = 0; i < 500 && Files.exists(request); i++) {
        Thread.sleep(20); // the indexer looks for requests when it has nothing else to do
      }
      assertThat(request).doesNotExist();
      assertThat(ix.awaitIdle(30_000)).isTrue();
      assertThat(ix.upToDate("alice@example.test")).isTrue();
    }
  }

  @Test
  void anUnknownUserIsAOneLineError() {
    CliFixture.Result r = cli.run("search", "reindex", "nobody@example.test");
    assertThat(r.status()).isNotZero();
    assertThat(r.err().strip()).startsWith("postamt: ").contains("nobody@example.test").doesNotContain("\n");
    CliFixture.Result both = cli.run("search", "reindex", "alice@example.test", "--all");
    assertThat(both.status()).isNotZero();
  }
}
