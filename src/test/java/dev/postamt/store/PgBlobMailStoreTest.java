package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgNodes;
import dev.postamt.testing.PgPools;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract with index and message bodies in PostgreSQL ({@code [store] blobs = "postgresql"};
 * a throwaway cluster, skipped when PostgreSQL cannot start), plus what that choice promises: no Maildir
 * on disk, deliveries committed with their index row, and two nodes without a shared directory serving
 * the same messages.
 */
class PgBlobMailStoreTest implements MailStoreContract {
  private final PgPools pools = new PgPools();
  private PgDatabase db;

  /** One database per test: a store reopened on the same directory finds its index and blobs again. */
  @Override
  public MailStore newStore(Path dir, Quota.Policy quotas) {
    if (db == null) {
      db = pools.fresh();
    }
    return store(db, dir, quotas);
  }

  private static MailStore store(PgDatabase db, Path dir, Quota.Policy quotas) {
    return new PgMailStore(db, dir, dir.resolve("mail"), quotas, 0, UnaryOperator.identity(), true);
  }

  @AfterEach
  void close() {
    pools.close();
  }

  private static byte[] read(Account a, MailboxInfo box, MessageRecord m) throws IOException {
    try (MessageContent c = a.open(box, m).orElseThrow(); InputStream in = c.stream()) {
      return in.readAllBytes();
    }
  }

  @Test
  void noMaildirIsWrittenAndMessagesSurviveAReopen(@TempDir Path dir) throws Exception {
    MailStore.DeliveryId id = new MailStore.DeliveryId(1_700_000_000L, "Qdisk.R0", "mx.example.test");
    try (MailStore s = newStore(dir, Quota.Policy.NONE)) {
      s.deliver(USER, id, new ByteArrayInputStream(MSG), MSG.length);
      try (Account a = s.open(USER)) {
        StoreTesting.append(a, "Sent", MSG, Set.of("\\Seen"), 1_700_000_000_000L);
      }
    }
    try (var walk = Files.walk(dir)) {
      assertThat(walk.filter(Files::isRegularFile).toList()).as("no message file anywhere").isEmpty();
    }
    assertThat(MailboxLayout.maildir(dir, USER)).doesNotExist();
    try (MailStore s = newStore(dir, Quota.Policy.NONE); Account a = s.open(USER)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      assertThat(read(a, inbox, a.messages(inbox.id()).getFirst())).isEqualTo(MSG);
      MailboxInfo sent = a.mailbox("Sent").orElseThrow();
      assertThat(a.messages(sent.id())).singleElement().satisfies(m -> assertThat(m.flags()).containsExactly("\\Seen"));
      assertThat(s.delivered(USER, id, MSG.length)).isTrue();
      assertThat(s.location(USER)).contains("postgresql://").contains(USER);
      assertThatThrownBy(() -> a.reindex(true)).isInstanceOf(StoreException.class).hasMessageContaining("postgresql");
      a.reindex(false); // recounts the usage
      assertThat(a.quota().usage()).isEqualTo(new Quota.Usage(2L * MSG.length, 2));
    }
  }

  /** A message stream that breaks half-way leaves neither a blob nor an index row: the queue retries. */
  @Test
  void aDeliveryThatFailsHalfWayLeavesNothing(@TempDir Path dir) throws Exception {
    byte[] big = ("Subject: big\r\n\r\n" + "x".repeat(PgBlobStore.WHOLE + 1000)).getBytes(StandardCharsets.US_ASCII);
    MailStore.DeliveryId id = new MailStore.DeliveryId(1_700_000_000L, "Qfail.R0", "mx.example.test");
    try (MailStore s = newStore(dir, Quota.Policy.NONE)) {
      s.create(USER);
      InputStream breaking = new InputStream() {
        int left = PgBlobStore.WHOLE + 10;

        @Override
        public int read() throws IOException {
          if (left-- <= 0) {
            throw new IOException("spool read failed");
          }
          return 'x';
        }
      };
      assertThatThrownBy(() -> s.deliver(USER, id, breaking, big.length)).isInstanceOf(IOException.class);
      assertThat(s.delivered(USER, id, big.length)).isFalse();
      assertThat(s.usage(USER)).isEqualTo(Quota.Usage.NONE);
      s.deliver(USER, id, new ByteArrayInputStream(big), big.length);
      s.deliver(USER, id, new ByteArrayInputStream(big), big.length); // a retry stores nothing twice
      try (Account a = s.open(USER)) {
        MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
        assertThat(a.messages(inbox.id())).singleElement();
        assertThat(read(a, inbox, a.messages(inbox.id()).getFirst())).isEqualTo(big);
      }
    }
  }

  /** A blob left by a crash between an APPEND's blob and its index row is removed by a reindex, once old enough. */
  @Test
  void blobsNoIndexRowNamesAreRemovedOnceOldEnough(@TempDir Path dir) throws Exception {
    try (MailStore s = newStore(dir, Quota.Policy.NONE); Account a = s.open(USER)) {
      MaildirAccount account = (MaildirAccount) a;
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      StoreTesting.append(a, "INBOX", MSG, Set.of(), 1_700_000_000_000L);
      String orphan = account.blobs.put(inbox, new ByteArrayInputStream(MSG), MSG.length, Set.of(), 0); // no index row
      a.reindex(false);
      assertThat(account.blobs.open(inbox, orphan, Set.of())).as("too young: may be a write in progress").isPresent();
      assertThat(account.dropUnreferencedBlobs(java.time.Duration.ZERO)).isEqualTo(1);
      assertThat(account.blobs.open(inbox, orphan, Set.of())).isEmpty();
      MessageRecord kept = a.messages(inbox.id()).getFirst();
      assertThat(read(a, inbox, kept)).isEqualTo(MSG);
      assertThat(account.dropUnreferencedBlobs(java.time.Duration.ZERO)).isZero();
    }
  }

  /** A stub (IM2000) is delivered under its full message's size: the index has that size, the blob the stub. */
  @Test
  void aStubIsStoredUnderTheSizeOfTheMessageItStandsFor(@TempDir Path dir) throws Exception {
    MailStore.DeliveryId id = new MailStore.DeliveryId(1_700_000_000L, "im2000-abc", "mx.example.test");
    try (MailStore s = newStore(dir, Quota.Policy.NONE)) {
      s.deliver(USER, id, new ByteArrayInputStream(MSG), 50_000);
      assertThat(s.delivered(USER, id, 50_000)).isTrue();
      try (Account a = s.open(USER)) {
        MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
        MessageRecord m = a.messages(inbox.id()).getFirst();
        assertThat(m.size()).isEqualTo(50_000);
        assertThat(read(a, inbox, m)).isEqualTo(MSG);
      }
    }
  }

  /**
   * The point of the choice: two nodes with their own data directories and no shared mail directory. A
   * message delivered by one is read, copied and expunged through the other; the first one's watchers hear
   * of it.
   */
  @Test
  void twoNodesWithoutASharedDirectoryServeTheSameMessages(@TempDir Path dir) throws Exception {
    try (PgNodes pg = new PgNodes();
        MailStore nodeA = store(pg.a, dir.resolve("a"), Quota.Policy.NONE);
        MailStore nodeB = store(pg.b, dir.resolve("b"), Quota.Policy.NONE);
        Account onA = nodeA.open(USER)) {
      java.util.concurrent.CountDownLatch told = new java.util.concurrent.CountDownLatch(1);
      onA.watch(told::countDown);
      MailStore.DeliveryId id = new MailStore.DeliveryId(1_700_000_000L, "Qtwo.R0", "mx-b.example.test");
      nodeB.deliver(USER, id, new ByteArrayInputStream(MSG), MSG.length);
      nodeB.notifyDelivered(USER);
      assertThat(told.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("node A woken by node B's delivery").isTrue();
      MailboxInfo inbox = onA.mailbox("INBOX").orElseThrow();
      List<MessageRecord> msgs = onA.snapshot(inbox.id()).messages();
      assertThat(msgs).hasSize(1);
      assertThat(read(onA, inbox, msgs.getFirst())).isEqualTo(MSG);
      try (Account onB = nodeB.open(USER)) {
        onB.copy(inbox.id(), msgs, "Archive");
        MailboxInfo archive = onA.mailbox("Archive").orElseThrow();
        assertThat(read(onA, archive, onA.messages(archive.id()).getFirst())).isEqualTo(MSG);
        onB.store(inbox.id(), List.of(msgs.getFirst().uid()), Account.FlagMode.ADD, List.of("\\Deleted"));
        assertThat(onB.expunge(inbox.id(), java.util.Optional.empty())).containsExactly(msgs.getFirst().uid());
      }
      assertThat(onA.open(inbox, msgs.getFirst())).isEmpty();
      assertThat(nodeA.usage(USER)).isEqualTo(new Quota.Usage(MSG.length, 1));
    }
  }
}
