package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The expunge history behind QRESYNC: MODSEQ per expunge, the floor, pruning and the schema migration. */
class ExpungeHistoryTest {
  static final String USER = "alice@example.test";
  static final byte[] MSG = "Subject: s\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path data;

  /** The store under test; {@code PgStoreTests} runs these tests again with the index in PostgreSQL. */
  MailStore store(Path data) {
    return new SqliteMailStore(data);
  }

  static long appendFive(Account a) {
    for (int i = 0; i < 5; i++) {
      StoreTesting.append(a, "INBOX", MSG, Set.of(), 1000);
    }
    return a.mailbox("INBOX").orElseThrow().id();
  }

  static void expunge(Account a, long id, long... uids) {
    List<Long> list = java.util.Arrays.stream(uids).boxed().toList();
    a.store(id, list, Account.FlagMode.ADD, List.of("\\Deleted"));
    a.expunge(id, Optional.of(Set.copyOf(list)));
  }

  @Test
  void oneModseqPerExpungeAndHistoryFromThere() {
    try (MailStore store = store(data); Account a = store.open(USER)) {
      long id = appendFive(a); // HIGHESTMODSEQ 6
      expunge(a, id, 2, 4); // flags 7, 8; expunge 9
      assertThat(a.mailbox(id).orElseThrow().highestModseq()).isEqualTo(9);
      expunge(a, id, 5); // flag 10, expunge 11
      assertThat(a.expungedSince(id, 0)).contains(List.of(2L, 4L, 5L));
      assertThat(a.expungedSince(id, 9)).contains(List.of(5L));
      assertThat(a.expungedSince(id, 11)).contains(List.of());
    }
  }

  @Test
  void forgettingRaisesTheFloor() {
    try (MailStore store = store(data); Account a = store.open(USER)) {
      long id = appendFive(a);
      expunge(a, id, 1); // expunge modseq 8
      expunge(a, id, 2, 3); // flags 9, 10; expunge 11
      assertThat(a.forgetExpunged(id, 2)).isEqualTo(1); // keeps the two of MODSEQ 11
      assertThat(a.expungedSince(id, 7)).isEmpty(); // before the floor: unknown
      assertThat(a.expungedSince(id, 8)).contains(List.of(2L, 3L));
      assertThat(a.forgetExpunged(id, 1)).isEqualTo(2); // both share a MODSEQ: both go
      assertThat(a.expungedSince(id, 10)).isEmpty();
      assertThat(a.expungedSince(id, 11)).contains(List.of());
    }
  }

  @Test
  void historyDiesWithItsMailbox() {
    try (MailStore store = store(data); Account a = store.open(USER)) {
      long id = a.create("Box", null).id();
      StoreTesting.append(a, "Box", MSG, Set.of(), 1000);
      expunge(a, id, 1);
      a.delete("Box");
      long again = a.create("Box", null).id();
      assertThat(a.expungedSince(again, 0)).contains(List.of());
    }
  }

  /** An index written before the history existed: its past expunges are unknown, its new ones kept. */
  @Test
  void olderIndexIsMigratedWithTheFloorAtItsHighestModseq() throws Exception {
    long id;
    try (MailStore store = new SqliteMailStore(data); Account a = store.open(USER)) {
      id = appendFive(a);
      expunge(a, id, 1); // HIGHESTMODSEQ 8
    }
    Path db = MailboxLayout.home(data, USER).resolve("index.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("DROP TABLE expunged");
      s.execute("ALTER TABLE mailbox DROP COLUMN expunge_floor");
    }
    try (MailStore store = new SqliteMailStore(data); Account a = store.open(USER)) {
      assertThat(a.expungedSince(id, 7)).isEmpty();
      assertThat(a.expungedSince(id, 8)).contains(List.of());
      expunge(a, id, 2);
      assertThat(a.expungedSince(id, 8)).contains(List.of(2L));
    }
    try (MailStore store = new SqliteMailStore(data); Account a = store.open(USER)) {
      assertThat(a.expungedSince(id, 8)).contains(List.of(2L)); // survives reopening
    }
  }
}
