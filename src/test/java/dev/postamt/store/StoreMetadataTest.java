package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What IMAP's METADATA, SAVEDATE and OBJECTID need of the index: entries, save dates, unreused ids. */
class StoreMetadataTest {
  static final String USER = "alice@example.test";
  static final byte[] MSG = "Subject: s\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path data;

  /** The store under test; {@code PgStoreTests} runs these tests again with the index in PostgreSQL. */
  MailStore store(Path data) {
    return new SqliteMailStore(data);
  }

  @Test
  void metadataGoesWithItsMailbox() {
    try (MailStore store = store(data); Account a = store.open(USER)) {
      long id = a.create("Projects", null).id();
      a.setMetadata(id, Map.of("/private/color", "red".getBytes(StandardCharsets.UTF_8)));
      a.setMetadata(Account.SERVER_METADATA, Map.of("/shared/comment", "motd".getBytes(StandardCharsets.UTF_8)));
      a.rename("Projects", "Work");
      assertThat(a.metadata(id)).containsOnlyKeys("/private/color");
      assertThat(new String(a.metadata(id).get("/private/color"), StandardCharsets.UTF_8)).isEqualTo("red");
      Map<String, byte[]> remove = new HashMap<>();
      remove.put("/private/color", null);
      a.setMetadata(id, remove);
      assertThat(a.metadata(id)).isEmpty();
      a.setMetadata(id, Map.of("/private/x", new byte[] {0, 1}));
      a.delete("Work");
      assertThat(a.metadata(id)).isEmpty(); // deleted with the mailbox
      assertThat(a.metadata(Account.SERVER_METADATA)).containsOnlyKeys("/shared/comment");
      assertThatThrownBy(() -> a.setMetadata(id, Map.of("/private/y", new byte[] {1})))
          .isInstanceOf(StoreException.class);
    }
  }

  @Test
  void mailboxIdsAreNeverReused() {
    try (MailStore store = store(data); Account a = store.open(USER)) {
      long first = a.create("a", null).id();
      a.delete("a");
      long second = a.create("a", null).id();
      assertThat(second).isGreaterThan(first);
    }
    try (MailStore store = store(data); Account a = store.open(USER)) {
      long max = a.mailboxes().stream().mapToLong(MailboxInfo::id).max().orElseThrow();
      a.delete("a");
      assertThat(a.create("b", null).id()).isGreaterThan(max); // also after a restart
    }
  }

  @Test
  void saveDateIsWhenTheMessageEnteredItsMailbox() throws Exception {
    try (MailStore store = store(data); Account a = store.open(USER)) {
      long before = System.currentTimeMillis();
      StoreTesting.append(a, "INBOX", MSG, Set.of(), 1000);
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      MessageRecord m = a.messages(inbox.id()).getFirst();
      assertThat(m.internalDate()).isEqualTo(1000);
      assertThat(m.saveDate()).isBetween(before, System.currentTimeMillis());
      a.copy(inbox.id(), List.of(m), "Trash");
      MessageRecord copied = a.messages(a.mailbox("Trash").orElseThrow().id()).getFirst();
      assertThat(copied.internalDate()).isEqualTo(1000);
      assertThat(copied.saveDate()).isGreaterThanOrEqualTo(m.saveDate());
    }
  }

  /** An index from before save dates: the column is added, old rows report their INTERNALDATE. */
  @Test
  void olderIndexWithoutSaveDatesReportsTheInternalDate() throws Exception {
    try (MailStore store = new SqliteMailStore(data, Quota.Policy.NONE); Account a = store.open(USER)) {
      StoreTesting.append(a, "INBOX", MSG, Set.of(), 1000);
    }
    Path index = MailboxLayout.maildir(data, USER).getParent().resolve("index.db");
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + index); Statement s = db.createStatement()) {
      s.execute("ALTER TABLE message DROP COLUMN savedate");
    }
    try (MailStore store = new SqliteMailStore(data, Quota.Policy.NONE); Account a = store.open(USER)) {
      MessageRecord m = a.messages(a.mailbox("INBOX").orElseThrow().id()).getFirst();
      assertThat(m.saveDate()).isEqualTo(1000);
    }
  }
}
