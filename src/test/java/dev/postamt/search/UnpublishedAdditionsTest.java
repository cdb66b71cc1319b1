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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync that only adds a few messages leaves them unpublished ({@link UserIndex#DEFER_BELOW}): searches
 * read them ("read it", never a wrong yes or no) until a search asks, enough accumulate, a document is
 * removed, or the index is closed (which commits them). A flag change publishes nothing: the index holds
 * no flags.
 */
class UnpublishedAdditionsTest {
  @TempDir Path dir;

  @Test
  void fewAdditionsWaitUnpublishedUntilASearchAsksOrMoreCome() throws Exception {
    try (MailStore store = new SqliteMailStore(dir); Account a = store.open(USER)) {
      SearchIndexes ix = SearchIndexes.forTool(store, Search.defaults());
      long first = append(a, "INBOX", message("first", "a zebra crossing"));
      assertThat(ix.syncUser(USER)).isEqualTo(1); // a new mailbox: published at once
      assertThat(body(ix, a, "INBOX", first, "zebra")).isTrue();

      long lone = append(a, "INBOX", message("lone", "a zebra alone"));
      assertThat(ix.syncUser(USER)).isEqualTo(1);
      assertThat(body(ix, a, "INBOX", lone, "zebra")).as("unpublished: read it").isNull();
      assertThat(body(ix, a, "INBOX", first, "zebra")).isTrue();
      assertThat(ix.syncUser(USER)).isZero(); // the search asked: this sync publishes
      assertThat(body(ix, a, "INBOX", lone, "zebra")).isTrue();
      assertThat(body(ix, a, "INBOX", lone, "crossing")).isFalse();

      long next = append(a, "INBOX", message("next", "an okapi"));
      ix.syncUser(USER);
      assertThat(body(ix, a, "INBOX", next, "okapi")).isNull();
      List<Long> many = new ArrayList<>();
      for (int i = 0; i < UserIndex.DEFER_BELOW; i++) {
        many.add(append(a, "INBOX", message("many " + i, "a giraffe")));
      }
      assertThat(ix.syncUser(USER)).isEqualTo(UserIndex.DEFER_BELOW); // enough: published without a search
      assertThat(body(ix, a, "INBOX", next, "okapi")).isTrue();
      assertThat(body(ix, a, "INBOX", many.getLast(), "giraffe")).isTrue();

      long flagged = append(a, "INBOX", message("flagged", "a tapir"));
      ix.syncUser(USER);
      long inbox = a.mailbox("INBOX").orElseThrow().id();
      a.store(inbox, List.of(first), Account.FlagMode.ADD, List.of("\\Seen"));
      ix.syncUser(USER); // a flag change: the index holds no flags, nothing is published for it
      assertThat(body(ix, a, "INBOX", flagged, "tapir")).as("still unpublished").isNull();
      ix.syncUser(USER);
      assertThat(body(ix, a, "INBOX", flagged, "tapir")).isTrue();
      assertThat(body(ix, a, "INBOX", first, "zebra")).as("flagged message still found").isTrue();

      long beforeExpunge = append(a, "INBOX", message("before expunge", "an aardvark"));
      ix.syncUser(USER);
      a.store(inbox, List.of(lone), Account.FlagMode.ADD, List.of("\\Deleted"));
      a.expunge(inbox, java.util.Optional.empty());
      ix.syncUser(USER); // an expunge is published at once, with what waited
      assertThat(body(ix, a, "INBOX", beforeExpunge, "aardvark")).isTrue();
      assertThat(body(ix, a, "INBOX", lone, "zebra")).as("expunged: unknown to the index").isNull();

      long last = append(a, "INBOX", message("last", "a quagga"));
      ix.syncUser(USER);
      ix.close(); // commits what waits unpublished
      SearchIndexes again = SearchIndexes.forTool(store, Search.defaults());
      assertThat(body(again, a, "INBOX", last, "quagga")).as("committed at close").isTrue();
      again.close();
    }
  }
}
