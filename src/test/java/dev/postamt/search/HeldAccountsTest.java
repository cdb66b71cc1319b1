package dev.postamt.search;

import static dev.postamt.search.SearchIndexesTest.USER;
import static dev.postamt.search.SearchIndexesTest.append;
import static dev.postamt.search.SearchIndexesTest.body;
import static dev.postamt.search.SearchIndexesTest.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Search;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxLayout;
import dev.postamt.store.MessageRecord;
import dev.postamt.store.SqliteMailStore;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which accounts the indexer holds open between syncs ({@link HeldAccounts}): one whose mail trickles
 * in, and one with a burst only when it is large (its open reads the whole mailbox); a held account sees
 * what is delivered meanwhile. Held quietly: deliveries wait in {@code new/} for the next sync, unless a
 * session has the account open.
 */
class HeldAccountsTest {
  @TempDir Path dir;

  private static void burst(Account a, String word) throws Exception {
    for (int i = 0; i < UserIndex.DEFER_BELOW; i++) {
      append(a, "INBOX", message(word + " " + i, "a " + word));
    }
  }

  private static int waiting(Path dir) throws Exception {
    try (var files = Files.list(MailboxLayout.maildir(dir, USER).resolve("new"))) {
      return (int) files.count();
    }
  }

  private static void deliver(MailStore store, String unique) throws Exception {
    byte[] m = message("delivered " + unique, "a quokka");
    store.deliver(USER, new MailStore.DeliveryId(1_700_000_000L, unique, "mx.example.test"), new ByteArrayInputStream(m), m.length);
    store.notifyDelivered(USER);
  }

  @Test
  void deliveriesToAnAccountOnlyTheIndexerHoldsWaitInNewForItsNextSync() throws Exception {
    try (MailStore store = new SqliteMailStore(dir)) {
      SearchIndexes ix = SearchIndexes.forTool(store, Search.defaults());
      ix.holdAccounts(true);
      try (Account a = store.open(USER)) {
        append(a, "INBOX", message("first", "a zebra"));
      }
      assertThat(ix.syncUser(USER)).isEqualTo(1);
      assertThat(ix.holds(USER)).isTrue();

      deliver(store, "Q1.R0");
      deliver(store, "Q2.R0");
      assertThat(waiting(dir)).as("nobody but the indexer has the account open: left in new/").isEqualTo(2);
      assertThat(ix.syncUser(USER)).as("the next sync takes both in").isEqualTo(2);
      assertThat(waiting(dir)).isZero();

      try (Account session = store.open(USER)) {
        deliver(store, "Q3.R0");
        assertThat(waiting(dir)).as("a session has it open: taken in at once").isZero();
        assertThat(session.messages(session.mailbox("INBOX").orElseThrow().id()))
            .extracting(MessageRecord::uid).containsExactly(1L, 2L, 3L, 4L);
      }
      deliver(store, "Q4.R0");
      assertThat(waiting(dir)).as("the session gone, quiet again").isEqualTo(1);
      try (Account session = store.open(USER)) {
        assertThat(waiting(dir)).as("a session's open takes it in").isZero();
        assertThat(session.messages(session.mailbox("INBOX").orElseThrow().id())).hasSize(5);
      }
      ix.close();
    }
  }

  @Test
  void aSmallAccountIsLetGoAfterABurstALargeOneIsHeld() throws Exception {
    try (MailStore store = new SqliteMailStore(dir); Account a = store.open(USER)) {
      SearchIndexes ix = SearchIndexes.forTool(store, Search.defaults());
      ix.holdAccounts(true);
      append(a, "INBOX", message("first", "a zebra"));
      assertThat(ix.syncUser(USER)).isEqualTo(1);
      assertThat(ix.holds(USER)).as("mail trickles in").isTrue();

      burst(a, "giraffe");
      assertThat(ix.syncUser(USER)).isEqualTo(UserIndex.DEFER_BELOW);
      assertThat(ix.holds(USER)).as("a burst, a small account: let go").isFalse();

      ix.holdLarge = UserIndex.DEFER_BELOW; // the account counts as large from here
      long last = 0;
      burst(a, "okapi");
      assertThat(ix.syncUser(USER)).isEqualTo(UserIndex.DEFER_BELOW);
      assertThat(ix.holds(USER)).as("a burst, a large account: held").isTrue();
      for (int i = 0; i < UserIndex.DEFER_BELOW; i++) {
        last = append(a, "INBOX", message("tapir " + i, "a tapir"));
      }
      assertThat(ix.syncUser(USER)).as("the held account sees what came meanwhile").isEqualTo(UserIndex.DEFER_BELOW);
      assertThat(body(ix, a, "INBOX", last, "tapir")).isTrue();
      assertThat(ix.holds(USER)).isTrue();
      ix.close();
      assertThat(ix.holds(USER)).as("closing the indexes lets every account go").isFalse();
    }
  }
}
