package dev.postamt.search;

import static dev.postamt.search.SearchIndexesTest.USER;
import static dev.postamt.search.SearchIndexesTest.append;
import static dev.postamt.search.SearchIndexesTest.body;
import static dev.postamt.search.SearchIndexesTest.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Search;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.SqliteMailStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which accounts the indexer holds open between syncs ({@link HeldAccounts}): one whose mail trickles
 * in, and one with a burst only when it is large (its open reads the whole mailbox); a held account sees
 * what is delivered meanwhile.
 */
class HeldAccountsTest {
  @TempDir Path dir;

  private static void burst(Account a, String word) throws Exception {
    for (int i = 0; i < UserIndex.DEFER_BELOW; i++) {
      append(a, "INBOX", message(word + " " + i, "a " + word));
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
