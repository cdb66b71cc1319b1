package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Database;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgCluster;
import dev.postamt.testing.PgPools;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract with the index in PostgreSQL (a throwaway cluster; skipped when PostgreSQL cannot
 * start), plus what several nodes on one database and one shared mail directory must get right.
 */
class PgMailStoreTest implements MailStoreContract {
  private final PgPools pools = new PgPools();
  private final List<PgDatabase> nodes = new ArrayList<>();
  private PgDatabase db;

  /** One database per test: a store reopened on the same directory finds its index again. */
  @Override
  public MailStore newStore(Path dir, Quota.Policy quotas) {
    if (db == null) {
      db = pools.fresh();
    }
    return new PgMailStore(db, dir, quotas, 0);
  }

  @AfterEach
  void close() {
    nodes.forEach(PgDatabase::close);
    pools.close();
  }

  /** Two pools of their own on one fresh database, as two processes would have (a distinct URL, a distinct pool). */
  private List<PgDatabase> twoNodes() {
    Database.Postgres pg = PgCluster.get().freshDatabase().postgres().orElseThrow();
    nodes.add(PgDatabase.of(pg, 6));
    nodes.add(PgDatabase.of(new Database.Postgres(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(),
        "ApplicationName=nodeB"), 6));
    return nodes;
  }

  /**
   * A read transaction is REPEATABLE READ and read-only for its own statements, and gives its connection
   * back to the pool as it found it (autocommit, READ COMMITTED): the level is set per transaction.
   */
  @Test
  void aReadTransactionIsRepeatableReadAndLeavesItsConnectionAsItWas() throws Exception {
    Database.Postgres pg = PgCluster.get().freshDatabase().postgres().orElseThrow();
    PgDatabase one = PgDatabase.of(pg, 1); // one connection: the next borrower gets the same one
    nodes.add(one);
    PgMailIndex index = new PgMailIndex(one, "", USER);
    List<String> seen = index.inReadTx(i -> {
      java.sql.Connection c = ((PgMailIndex) i).transaction();
      return List.of(show(c, "transaction_isolation"), show(c, "transaction_read_only"));
    });
    assertThat(seen).containsExactly("repeatable read", "on");
    try (java.sql.Connection c = one.connection()) {
      assertThat(c.getAutoCommit()).isTrue();
      assertThat(List.of(show(c, "transaction_isolation"), show(c, "transaction_read_only")))
          .containsExactly("read committed", "off");
    }
  }

  private static String show(java.sql.Connection c, String setting) throws java.sql.SQLException {
    try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static byte[] message(int n) {
    return ("Subject: m" + n + "\r\n\r\nbody " + n + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void concurrentAppendsOnTwoNodesGetDistinctAscendingUids(@TempDir Path dir) throws Exception {
    List<PgDatabase> pg = twoNodes();
    int perThread = 15;
    try (MailStore nodeA = new PgMailStore(pg.get(0), dir, Quota.Policy.NONE, 0);
        MailStore nodeB = new PgMailStore(pg.get(1), dir, Quota.Policy.NONE, 0);
        Account a = nodeA.open(USER);
        Account b = nodeB.open(USER)) {
      List<Future<List<Long>>> runs = new ArrayList<>();
      CountDownLatch start = new CountDownLatch(1);
      try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
        for (int t = 0; t < 4; t++) {
          Account on = t % 2 == 0 ? a : b;
          int thread = t;
          runs.add(pool.submit(() -> {
            start.await();
            List<Long> uids = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
              uids.add(StoreTesting.append(on, "INBOX", message(thread * 100 + i), Set.of(), 1_700_000_000_000L).uid());
            }
            return uids;
          }));
        }
        start.countDown();
      }
      Set<Long> all = new HashSet<>();
      for (Future<List<Long>> r : runs) {
        List<Long> uids = r.get();
        assertThat(uids).as("each writer's UIDs ascend").isSorted();
        all.addAll(uids);
      }
      assertThat(all).as("no UID handed out twice").hasSize(4 * perThread);
      MailboxInfo inboxA = a.mailbox("INBOX").orElseThrow();
      List<Long> seenByA = a.snapshot(inboxA.id()).messages().stream().map(MessageRecord::uid).toList();
      List<Long> seenByB = b.snapshot(inboxA.id()).messages().stream().map(MessageRecord::uid).toList();
      assertThat(seenByA).containsExactlyInAnyOrderElementsOf(all).isSorted();
      assertThat(seenByB).isEqualTo(seenByA);
      assertThat(a.mailbox("INBOX").orElseThrow().uidNext()).isEqualTo(Collections.max(all) + 1);
      assertThat(nodeB.usage(USER).messages()).isEqualTo(4L * perThread);
    }
  }

  @Test
  void deliveriesTakenInByTwoNodesAtOnceAreIndexedOnce(@TempDir Path dir) throws Exception {
    List<PgDatabase> pg = twoNodes();
    int each = 20;
    try (MailStore nodeA = new PgMailStore(pg.get(0), dir, Quota.Policy.NONE, 0);
        MailStore nodeB = new PgMailStore(pg.get(1), dir, Quota.Policy.NONE, 0);
        Account a = nodeA.open(USER);
        Account b = nodeB.open(USER)) {
      CountDownLatch start = new CountDownLatch(1);
      try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
        for (int n = 0; n < 2; n++) {
          MailStore node = n == 0 ? nodeA : nodeB;
          int which = n;
          pool.submit(() -> {
            start.await();
            for (int i = 0; i < each; i++) {
              byte[] m = message(which * 1000 + i);
              node.deliver(USER, new MailStore.DeliveryId(1_700_000_000L, "Q" + which + "." + i, "mx" + which),
                  new ByteArrayInputStream(m), m.length);
              node.notifyDelivered(USER); // each node takes in what it finds, racing the other
            }
            return null;
          });
        }
        start.countDown();
      }
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      a.poll(inbox.id());
      b.poll(inbox.id());
      List<MessageRecord> msgs = a.snapshot(inbox.id()).messages();
      assertThat(msgs).hasSize(2 * each);
      assertThat(msgs.stream().map(MessageRecord::base).distinct()).hasSize(2 * each);
      assertThat(msgs.stream().map(MessageRecord::uid).distinct()).hasSize(2 * each);
      assertThat(b.snapshot(inbox.id()).messages()).isEqualTo(msgs);
    }
  }

  @Test
  void changesOnOneNodeWakeTheOtherNodesWatchersWithinASecond(@TempDir Path dir) throws Exception {
    List<PgDatabase> pg = twoNodes();
    try (MailStore nodeA = new PgMailStore(pg.get(0), dir, Quota.Policy.NONE, 0);
        MailStore nodeB = new PgMailStore(pg.get(1), dir, Quota.Policy.NONE, 0);
        Account a = nodeA.open(USER);
        Account b = nodeB.open(USER)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      List<MessageRecord> before = a.snapshot(inbox.id()).messages(); // cached on node A
      AtomicInteger told = new AtomicInteger();
      a.watch(told::incrementAndGet);

      long uid = StoreTesting.append(b, "INBOX", MSG, Set.of(), 1).uid();
      awaitAbove(told, 0, "an APPEND on node B");
      assertThat(before).isEmpty();
      assertThat(a.snapshot(inbox.id()).messages()).extracting(MessageRecord::uid).containsExactly(uid);

      int now = told.get();
      b.store(inbox.id(), List.of(uid), Account.FlagMode.ADD, List.of(Flags.DELETED));
      awaitAbove(told, now, "a flag change on node B");
      assertThat(a.snapshot(inbox.id()).messages().getFirst().flags()).contains(Flags.DELETED);

      now = told.get();
      b.expunge(inbox.id(), java.util.Optional.empty());
      awaitAbove(told, now, "an EXPUNGE on node B");
      assertThat(a.snapshot(inbox.id()).messages()).isEmpty();
      assertThat(a.expungedSince(inbox.id(), 0)).hasValueSatisfying(v -> assertThat(v).containsExactly(uid));
    }
  }

  /**
   * A node answers from the snapshot it read last while no change was announced (no read of the index
   * per IMAP command), and stops as soon as another node's change is: the next look reads it.
   */
  @Test
  void aSnapshotIsKnownWithoutAReadUntilAnotherNodesChangeIsAnnounced(@TempDir Path dir) throws Exception {
    List<PgDatabase> pg = twoNodes();
    try (MailStore nodeA = new PgMailStore(pg.get(0), dir, Quota.Policy.NONE, 0);
        MailStore nodeB = new PgMailStore(pg.get(1), dir, Quota.Policy.NONE, 0);
        Account a = nodeA.open(USER);
        Account b = nodeB.open(USER)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      AtomicInteger told = new AtomicInteger();
      a.watch(told::incrementAndGet);
      // node A is listening once it hears of a first change (and its listener's catch-up is behind it)
      b.subscribe("Drafts", false);
      awaitAbove(told, 0, "a subscription change on node B");
      Account.Snapshot first = readUntilKnown(a, inbox.id());
      assertThat(a.mailbox(inbox.id())).contains(first.info());

      int now = told.get();
      long uid = StoreTesting.append(b, "INBOX", MSG, Set.of(), 1).uid();
      awaitAbove(told, now, "an APPEND on node B");
      assertThat(a.knownSnapshot(inbox.id())).as("announced: no longer taken as current").isEmpty();
      assertThat(a.mailbox(inbox.id()).orElseThrow().uidNext()).isEqualTo(uid + 1);
      Account.Snapshot second = readUntilKnown(a, inbox.id());
      assertThat(second.messages()).extracting(MessageRecord::uid).containsExactly(uid);

      now = told.get();
      b.store(inbox.id(), List.of(uid), Account.FlagMode.ADD, List.of(Flags.FLAGGED));
      awaitAbove(told, now, "a flag change on node B");
      assertThat(a.knownSnapshot(inbox.id())).isEmpty();
      assertThat(a.snapshot(inbox.id()).messages().getFirst().flags()).contains(Flags.FLAGGED);

      // Node A's own writes leave the mailbox as they made it known, equal to a read of the index. (A stray
      // wake-up, the listener's catch-up arriving late, may make one of them unknown: never wrong.)
      int known = 0;
      a.store(inbox.id(), List.of(uid), Account.FlagMode.ADD, List.of(Flags.DELETED));
      known += a.knownSnapshot(inbox.id()).map(k -> {
        assertThat(k.messages()).isEqualTo(a.messages(inbox.id()));
        return 1;
      }).orElse(0);
      long other = StoreTesting.append(a, "INBOX", MSG, Set.of(), 2).uid();
      known += a.knownSnapshot(inbox.id()).map(k -> {
        assertThat(k.messages()).isEqualTo(a.messages(inbox.id()));
        assertThat(k.info().uidNext()).isEqualTo(other + 1);
        return 1;
      }).orElse(0);
      a.expunge(inbox.id(), java.util.Optional.empty());
      known += a.knownSnapshot(inbox.id()).map(k -> {
        assertThat(k.messages()).extracting(MessageRecord::uid).containsExactly(other);
        assertThat(k.info().highestModseq()).isEqualTo(stored(pg.get(1), dir, inbox.id()).highestModseq());
        return 1;
      }).orElse(0);
      a.claimRecent(inbox.id(), other + 1);
      known += a.knownSnapshot(inbox.id()).map(k -> {
        assertThat(k.info()).isEqualTo(stored(pg.get(1), dir, inbox.id()));
        return 1;
      }).orElse(0);
      assertThat(known).as("own writes whose result is known without a read").isGreaterThanOrEqualTo(3);
    }
  }

  /**
   * The mailbox as the database holds it, read by a store of its own with nothing cached. (Not node B's
   * account: it too answers from the snapshot it read last until node A's change is announced to it, which
   * may come after the comparison: once it compared a highest modseq of 6 with B's 3.)
   */
  private static MailboxInfo stored(PgDatabase db, Path dir, long mailboxId) {
    try (MailStore s = new PgMailStore(db, dir, Quota.Policy.NONE, 0); Account fresh = s.open(USER)) {
      return fresh.mailbox(mailboxId).orElseThrow();
    }
  }

  /** Snapshots until one is known right after it was read (a stray wake-up in between makes it read again). */
  private static Account.Snapshot readUntilKnown(Account a, long mailboxId) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (true) {
      Account.Snapshot s = a.snapshot(mailboxId);
      java.util.Optional<Account.Snapshot> k = a.knownSnapshot(mailboxId);
      if (k.isPresent() || System.nanoTime() > deadline) {
        assertThat(k).as("known right after it was read").hasValue(s);
        return s;
      }
    }
  }

  @Test
  void aDeliveryByANodeWithoutTheAccountOpenWakesTheNodeThatHasIt(@TempDir Path dir) throws Exception {
    List<PgDatabase> pg = twoNodes();
    try (MailStore nodeA = new PgMailStore(pg.get(0), dir, Quota.Policy.NONE, 0);
        MailStore nodeB = new PgMailStore(pg.get(1), dir, Quota.Policy.NONE, 0);
        Account a = nodeA.open(USER)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      AtomicInteger told = new AtomicInteger();
      a.watch(told::incrementAndGet);
      nodeB.deliver(USER, new MailStore.DeliveryId(1_700_000_000L, "Qx.R0", "mxb"), new ByteArrayInputStream(MSG),
          MSG.length);
      nodeB.notifyDelivered(USER);
      awaitAbove(told, 0, "a delivery on node B");
      // Node A indexes it when told, without a look of its own (messages() does not poll). Watchers may
      // also hear an earlier wake-up (the listener's catch-up when its connection comes up under load),
      // so the message is awaited, within the same second, rather than read at the first one.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      while (a.messages(inbox.id()).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(a.messages(inbox.id())).hasSize(1);
    }
  }

  @Test
  void aBurstOfDeliveriesByANodeWithoutTheAccountOpenIsAllSeenByTheNodeThatHasIt(@TempDir Path dir)
      throws Exception {
    List<PgDatabase> pg = twoNodes();
    try (MailStore nodeA = new PgMailStore(pg.get(0), dir, Quota.Policy.NONE, 0);
        MailStore nodeB = new PgMailStore(pg.get(1), dir, Quota.Policy.NONE, 0);
        Account a = nodeA.open(USER)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      nodeB.deliver(USER, new MailStore.DeliveryId(1_700_000_000L, "Qb.R0", "mxb"), new ByteArrayInputStream(MSG),
          MSG.length);
      nodeB.notifyDelivered(USER); // told at once
      awaitMessages(a, inbox, 1);
      // within the announcement window: node B tells of these two once more when the window ends
      for (int i = 1; i <= 2; i++) {
        nodeB.deliver(USER, new MailStore.DeliveryId(1_700_000_000L, "Qb.R" + i, "mxb"),
            new ByteArrayInputStream(MSG), MSG.length);
        nodeB.notifyDelivered(USER);
      }
      awaitMessages(a, inbox, 3);
    }
  }

  /**
   * Node A's INBOX holds {@code n} messages (it takes them in when told; messages() does not look) within 5 s:
   * what this asks is that no delivery of the burst goes unannounced, not the second of the test above,
   * which a busy machine running many test classes at once may miss.
   */
  private static void awaitMessages(Account a, MailboxInfo inbox, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (a.messages(inbox.id()).size() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(a.messages(inbox.id())).hasSize(n);
  }

  @Test
  void flagChangesAndCreatesFromTwoNodesAtOnceAreAllKept(@TempDir Path dir) throws Exception {
    List<PgDatabase> pg = twoNodes();
    try (MailStore nodeA = new PgMailStore(pg.get(0), dir, Quota.Policy.NONE, 0);
        MailStore nodeB = new PgMailStore(pg.get(1), dir, Quota.Policy.NONE, 0);
        Account a = nodeA.open(USER);
        Account b = nodeB.open(USER)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      long uid = StoreTesting.append(a, "INBOX", MSG, Set.of(), 1).uid();
      AtomicInteger created = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      CountDownLatch start = new CountDownLatch(1);
      try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
        for (Account on : List.of(a, b)) {
          String tag = on == a ? "$A" : "$B";
          pool.submit(() -> {
            start.await();
            for (int i = 0; i < 15; i++) {
              on.store(inbox.id(), List.of(uid), Account.FlagMode.ADD, List.of(tag + i));
              try {
                on.create("Race" + i, null);
                created.incrementAndGet();
              } catch (StoreException e) {
                assertThat(e.kind()).isEqualTo(StoreException.Kind.ALREADYEXISTS);
                refused.incrementAndGet();
              }
            }
            return null;
          });
        }
        start.countDown();
      }
      assertThat(a.messages(inbox.id()).getFirst().flags()).as("no node's keyword lost to the other's STORE")
          .hasSize(30);
      assertThat(created.get()).as("each mailbox made once").isEqualTo(15);
      assertThat(refused.get()).isEqualTo(15);
      assertThat(b.mailboxes().stream().filter(m -> m.name().startsWith("Race")).map(MailboxInfo::id).distinct())
          .hasSize(15);
    }
  }

  /** RFC 3501 §2.3.2: a message is \Recent in one session only, whichever node the sessions are on. */
  @Test
  void recentIsClaimedByOneSessionOfAllNodesAtOnce(@TempDir Path dir) throws Exception {
    List<PgDatabase> pg = twoNodes();
    try (MailStore nodeA = new PgMailStore(pg.get(0), dir, Quota.Policy.NONE, 0);
        MailStore nodeB = new PgMailStore(pg.get(1), dir, Quota.Policy.NONE, 0);
        Account a = nodeA.open(USER);
        Account b = nodeB.open(USER)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      for (int round = 0; round < 5; round++) {
        StoreTesting.append(b, "INBOX", message(round), Set.of(), 1);
        long upTo = b.mailbox(inbox.id()).orElseThrow().uidNext();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Long>> claims = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
          for (int t = 0; t < 6; t++) {
            Account on = t % 2 == 0 ? a : b;
            claims.add(pool.submit(() -> {
              start.await();
              return on.claimRecent(inbox.id(), upTo);
            }));
          }
          start.countDown();
        }
        int given = 0;
        for (Future<Long> c : claims) {
          given += c.get() < upTo ? 1 : 0;
        }
        assertThat(given).as("round %d: sessions given the new message as \\Recent", round).isEqualTo(1);
      }
    }
  }

  /**
   * EXPUNGE reads the mailbox in its own transaction, not the snapshot this node knows: a \Deleted cleared
   * by a change whose notification has not arrived (here: written past the store, unannounced) is kept.
   */
  @Test
  void anExpungeKeepsAMessageWhoseDeletedFlagWasClearedUnannounced(@TempDir Path dir) throws Exception {
    List<PgDatabase> pg = twoNodes();
    try (MailStore nodeA = new PgMailStore(pg.get(0), dir, Quota.Policy.NONE, 0);
        MailStore nodeB = new PgMailStore(pg.get(1), dir, Quota.Policy.NONE, 0);
        Account a = nodeA.open(USER);
        Account b = nodeB.open(USER)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      AtomicInteger told = new AtomicInteger();
      a.watch(told::incrementAndGet);
      b.subscribe("Drafts", false);
      awaitAbove(told, 0, "a subscription change on node B"); // node A listens, its listener's catch-up behind it
      // A stray wake-up (the listener's catch-up arriving late) may make node A read the mailbox again before
      // the expunge, which then has nothing stale to show: the scene is set again, with two more messages.
      List<Long> kept = new java.util.ArrayList<>();
      List<Long> gone = new java.util.ArrayList<>();
      boolean stale = false;
      for (int attempt = 0; attempt < 5 && !stale; attempt++) {
        kept.add(StoreTesting.append(a, "INBOX", message(1), Set.of(Flags.DELETED), 1 + 2 * attempt).uid());
        gone.add(StoreTesting.append(a, "INBOX", message(2), Set.of(Flags.DELETED), 2 + 2 * attempt).uid());
        assertThat(readUntilKnown(a, inbox.id()).messages()).filteredOn(m -> m.uid() == kept.getLast())
            .singleElement().matches(m -> m.has(Flags.DELETED));
        try (java.sql.Connection c = pg.get(1).connection(); java.sql.Statement st = c.createStatement()) {
          st.executeUpdate("UPDATE mail_mailbox SET highestmodseq=highestmodseq+1 WHERE id=" + inbox.id());
          st.executeUpdate("UPDATE mail_message SET flags='', modseq=(SELECT highestmodseq FROM mail_mailbox WHERE id="
              + inbox.id() + ") WHERE mailbox_id=" + inbox.id() + " AND uid=" + kept.getLast());
        }
        stale = a.knownSnapshot(inbox.id()).isPresent(); // this node has not heard of it
      }
      assertThat(stale).as("node A kept its snapshot across the unannounced change in one of five tries").isTrue();
      assertThat(a.expunge(inbox.id(), java.util.Optional.empty())).containsExactlyElementsOf(gone);
      assertThat(a.messages(inbox.id())).extracting(MessageRecord::uid).containsExactlyElementsOf(kept);
      // what node A knows now is the mailbox as the expunge left it, or nothing (a late wake-up of its
      // listener, as above, may drop the snapshot after the expunge): never the stale one
      a.knownSnapshot(inbox.id()).ifPresent(known -> assertThat(known.messages()).as("as the expunge left it")
          .isEqualTo(a.messages(inbox.id())));
    }
  }

  private static void awaitAbove(AtomicInteger counter, int value, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (counter.get() <= value && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(counter.get()).as("node A's watchers hear of %s within a second", what).isGreaterThan(value);
  }
}
