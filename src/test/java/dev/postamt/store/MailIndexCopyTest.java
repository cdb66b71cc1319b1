package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgPools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postamt migrate --to/--from} for the mailbox indexes: what a client has cached (mailbox ids,
 * UIDVALIDITY, UIDs, MODSEQs, flags, expunge history) is the same on the other side, and new ids and UIDs
 * continue after the copied ones.
 */
class MailIndexCopyTest {
  private static final String ALICE = "alice@example.test";
  private static final String BOB = "bob@example.test";
  private final PgPools pools = new PgPools();

  @AfterEach
  void close() {
    pools.close();
  }

  /** Everything a client may have cached of an account, plus what the server keeps of it. */
  private record Seen(List<MailboxInfo> boxes, Map<String, List<MessageRecord>> messages,
      Map<String, Optional<List<Long>>> expunged, Set<String> subscribed, Map<String, byte[]> metadata,
      Quota.Usage usage) {}

  private static Seen seen(MailStore s, String user) {
    try (Account a = s.open(user)) {
      Map<String, List<MessageRecord>> msgs = new java.util.TreeMap<>();
      Map<String, Optional<List<Long>>> gone = new java.util.TreeMap<>();
      for (MailboxInfo m : a.mailboxes()) {
        msgs.put(m.name(), a.messages(m.id()));
        gone.put(m.name(), a.expungedSince(m.id(), 0));
      }
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      return new Seen(a.mailboxes(), msgs, gone, a.subscriptions(), a.metadata(inbox.id()), s.usage(user));
    }
  }

  private static void fill(MailStore s, String user, int n) {
    try (Account a = s.open(user)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      List<Long> uids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] m = ("Subject: " + i + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        uids.add(StoreTesting.append(a, "INBOX", m, i % 2 == 0 ? Set.of("\\Seen", "$Work") : Set.of(), 1_700_000_000_000L + i)
            .uid());
      }
      a.store(inbox.id(), List.of(uids.get(1)), Account.FlagMode.ADD, List.of("\\Deleted"));
      a.expunge(inbox.id(), Optional.empty());
      MailboxInfo work = a.create("Lists/Work", null);
      a.create("Gone", null);
      a.delete("Gone"); // the highest id given out: it must not be handed out again
      a.copy(inbox.id(), a.messages(inbox.id()).subList(0, 2), "Lists/Work");
      a.subscribe("Lists/Work", true);
      a.setMetadata(inbox.id(), Map.of("/private/comment", "my inbox".getBytes(StandardCharsets.UTF_8)));
      a.setMetadata(Account.SERVER_METADATA, Map.of("/shared/admin", "mailto:x".getBytes(StandardCharsets.UTF_8)));
      assertThat(work.id()).isPositive();
    }
  }

  @Test
  void everyAccountsIndexGoesToPostgresAndBackUnchanged(@TempDir Path dir) throws Exception {
    PgDatabase db = pools.fresh();
    Seen alice;
    Seen bob;
    try (MailStore sqlite = new SqliteMailStore(dir)) {
      fill(sqlite, ALICE, 6);
      fill(sqlite, BOB, 3);
      alice = seen(sqlite, ALICE);
      bob = seen(sqlite, BOB);
    }

    List<MailIndexCopy.Counted> to = MailIndexCopy.toPostgres(dir.resolve("mail"), db);
    assertThat(to).extracting(MailIndexCopy.Counted::table).contains("mail_account", "mail_mailbox", "mail_message",
        "mail_expunged", "mail_subscription", "mail_metadata");
    assertThat(to).allSatisfy(c -> assertThat(c.to()).as(c.table()).isEqualTo(c.from()).isPositive());

    try (MailStore pg = new PgMailStore(db, dir, Quota.Policy.NONE, 0)) {
      assertSame(seen(pg, ALICE), alice);
      assertSame(seen(pg, BOB), bob);
      try (Account a = pg.open(ALICE)) {
        long highestId = alice.boxes().stream().mapToLong(MailboxInfo::id).max().orElseThrow();
        long highestValidity = alice.boxes().stream().mapToLong(MailboxInfo::uidValidity).max().orElseThrow();
        MailboxInfo fresh = a.create("Fresh", null);
        assertThat(fresh.id()).as("the deleted mailbox's id is not reused").isGreaterThan(highestId + 1);
        assertThat(fresh.uidValidity()).isGreaterThan(highestValidity);
        MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
        long uidNext = alice.boxes().stream().filter(m -> m.name().equals("INBOX")).findFirst().orElseThrow().uidNext();
        assertThat(StoreTesting.append(a, "INBOX", "Subject: new\r\n\r\n".getBytes(StandardCharsets.US_ASCII), Set.of(), 1)
            .uid()).isEqualTo(uidNext);
        a.store(inbox.id(), List.of(uidNext), Account.FlagMode.ADD, List.of("\\Deleted"));
        a.expunge(inbox.id(), Optional.empty());
        a.delete("Fresh");
      }
      alice = seen(pg, ALICE);
    }

    assertThatThrownBy(() -> MailIndexCopy.toPostgres(dir.resolve("mail"), db)).isInstanceOf(SQLException.class)
        .hasMessageContaining("already has 2 rows; copy into an empty one");

    // back into SQLite files: the Maildirs are where they were, the index files are made anew
    try (var files = Files.walk(dir)) {
      for (Path p : files.filter(p -> p.getFileName().toString().startsWith("index.db")).toList()) {
        Files.delete(p);
      }
    }
    List<MailIndexCopy.Counted> from = MailIndexCopy.fromPostgres(db, dir.resolve("mail"));
    assertThat(from).allSatisfy(c -> assertThat(c.to()).as(c.table()).isEqualTo(c.from()).isPositive());
    try (MailStore sqlite = new SqliteMailStore(dir)) {
      assertSame(seen(sqlite, ALICE), alice);
      assertSame(seen(sqlite, BOB), bob);
      try (Account a = sqlite.open(ALICE)) {
        long highestId = alice.boxes().stream().mapToLong(MailboxInfo::id).max().orElseThrow();
        assertThat(a.create("Later", null).id()).as("ids continue after the ones PostgreSQL gave out")
            .isGreaterThan(highestId + 1);
      }
    }
  }

  private static void assertSame(Seen actual, Seen expected) {
    assertThat(actual.boxes()).isEqualTo(expected.boxes());
    assertThat(actual.messages()).isEqualTo(expected.messages());
    assertThat(actual.expunged()).isEqualTo(expected.expunged());
    assertThat(actual.subscribed()).isEqualTo(expected.subscribed());
    assertThat(actual.metadata()).containsOnlyKeys(expected.metadata().keySet());
    expected.metadata().forEach((k, v) -> assertThat(actual.metadata().get(k)).isEqualTo(v));
    assertThat(actual.usage()).isEqualTo(expected.usage());
  }
}
