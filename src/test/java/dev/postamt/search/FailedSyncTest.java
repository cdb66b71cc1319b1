package dev.postamt.search;

import static dev.postamt.search.SearchIndexesTest.USER;
import static dev.postamt.search.SearchIndexesTest.append;
import static dev.postamt.search.SearchIndexesTest.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.SqliteMailStore;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * New messages are added to the index without a delete by their key ({@link UserIndex#sync}); after a
 * sync that failed part-way, what it added may be in the index past the recorded state, so the next
 * sync replaces instead of adding, also after a restart: never two documents of one message.
 */
class FailedSyncTest {
  @TempDir Path dir;
  static final MessageDocument.Budget BUDGET = new MessageDocument.Budget(50L << 20, 4_000_000, 1_000_000);
  /** More than one of the sync's batches, so that a failure can fall between two. */
  static final int MESSAGES = 300;

  /** Fails at the second look, i.e. after the first batch was added. */
  static BooleanSupplier failingAfterFirstBatch() {
    AtomicInteger looks = new AtomicInteger();
    return () -> {
      if (looks.incrementAndGet() == 2) {
        throw new IllegalStateException("disk on fire");
      }
      return false;
    };
  }

  @Test
  void aSyncAfterAFailedOneReplacesWhatItAdded() throws Exception {
    try (MailStore store = new SqliteMailStore(dir); Account a = store.open(USER)) {
      Path index = dir.resolve("search").resolve(USER);
      try (UserIndex ix = UserIndex.open(USER, index)) {
        known(a, ix);
        assertThatThrownBy(() -> ix.sync(a, BUDGET, failingAfterFirstBatch(), null))
            .isInstanceOf(IllegalStateException.class);
        assertThat(ix.sync(a, BUDGET, () -> false, null)).isEqualTo(MESSAGES);
        assertThat(ix.documents()).as("one document per message").isEqualTo(MESSAGES + 1);
        append(a, "INBOX", message("later", "after the replacement"));
        assertThat(ix.sync(a, BUDGET, () -> false, null)).isEqualTo(1);
        ix.publishPending();
        assertThat(ix.documents()).isEqualTo(MESSAGES + 2);
      }
    }
  }

  @Test
  void aFailedSyncIsRememberedAcrossARestart() throws Exception {
    try (MailStore store = new SqliteMailStore(dir); Account a = store.open(USER)) {
      Path index = dir.resolve("search").resolve(USER);
      try (UserIndex ix = UserIndex.open(USER, index)) {
        known(a, ix);
        assertThatThrownBy(() -> ix.sync(a, BUDGET, failingAfterFirstBatch(), null))
            .isInstanceOf(IllegalStateException.class);
      } // closing commits the documents the failed sync added, beyond the state
      try (UserIndex ix = UserIndex.open(USER, index)) {
        assertThat(ix.sync(a, BUDGET, () -> false, null)).isEqualTo(MESSAGES);
        assertThat(ix.documents()).as("one document per message").isEqualTo(MESSAGES + 1);
      }
    }
  }

  /**
   * The index knows INBOX (one message, published: a mailbox it did not know would be emptied by the next
   * sync whatever it holds), then {@link #MESSAGES} more arrive.
   */
  private static void known(Account a, UserIndex ix) throws Exception {
    append(a, "INBOX", message("first", "the first"));
    assertThat(ix.sync(a, BUDGET, () -> false, null)).isEqualTo(1);
    assertThat(ix.documents()).isEqualTo(1);
    for (int i = 0; i < MESSAGES; i++) {
      append(a, "INBOX", message("m" + i, "body " + i));
    }
  }
}
