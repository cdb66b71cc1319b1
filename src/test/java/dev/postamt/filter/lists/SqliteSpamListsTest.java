package dev.postamt.filter.lists;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.filter.lists.SpamListStore.Entry;
import dev.postamt.filter.lists.SpamListStore.Kind;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite backend against the store contract, and that its entries outlive the connection. */
class SqliteSpamListsTest implements SpamListStoreContract {
  @TempDir Path dir;
  private final AtomicInteger n = new AtomicInteger();

  @Override
  public SpamListStore store() throws Exception {
    return SqliteSpamLists.open(dir.resolve("data" + n.incrementAndGet()));
  }

  @Test
  void entriesAreKeptInTheDataDirectory() throws Exception {
    Path data = dir.resolve("kept");
    Entry e = new Entry("bob@example.net", Kind.ALL_SPAM_TO, "bob@example.net");
    try (SqliteSpamLists s = SqliteSpamLists.open(data)) {
      s.add(e);
    }
    assertThat(data.resolve(SqliteSpamLists.FILE_NAME)).exists();
    try (SqliteSpamLists s = SqliteSpamLists.open(data)) {
      assertThat(s.entries("bob@example.net")).containsExactly(e);
    }
  }
}
