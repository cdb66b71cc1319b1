package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mail store: index and Maildir agree across restarts, crashes and outside changes. */
class StoreTest {
  static final String USER = "alice@example.test";
  static final byte[] MSG = "Subject: s\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path data;

  Path maildir() {
    return MailboxLayout.maildir(data, USER);
  }

  List<String> files(String sub) throws Exception {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(maildir().resolve(sub))) {
      ds.forEach(p -> out.add(p.getFileName().toString()));
    }
    out.sort(null);
    return out;
  }

  void deliver(String unique) throws Exception {
    String base = Maildir.baseName(System.currentTimeMillis() / 1000, unique, "host", MSG.length);
    Maildir.deliver(maildir(), base, new byte[0], new ByteArrayInputStream(MSG));
  }

  @Test
  void uidsFlagsAndUidValiditySurviveReopen() throws Exception {
    long uv;
    try (MailStore store = new SqliteMailStore(data); Account a = store.open(USER)) {
      MailboxInfo inbox = a.mailbox("inbox").orElseThrow();
      uv = inbox.uidValidity();
      assertThat(StoreTesting.append(a, "INBOX", MSG, Set.of("\\seen"), 1000).uid()).isEqualTo(1);
      assertThat(StoreTesting.append(a, "INBOX", MSG, Set.of("$Label1"), 2000).uid()).isEqualTo(2);
      a.store(inbox.id(), List.of(2L), Account.FlagMode.ADD, List.of("\\Flagged"));
      a.expunge(inbox.id(), Optional.empty());
      assertThat(StoreTesting.append(a, "INBOX", MSG, Set.of(), 3000).uid()).isEqualTo(3);
    }
    try (MailStore store = new SqliteMailStore(data); Account a = store.open(USER)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      assertThat(inbox.uidValidity()).isEqualTo(uv);
      assertThat(inbox.uidNext()).isEqualTo(4);
      List<MessageRecord> m = a.messages(inbox.id());
      assertThat(m).extracting(MessageRecord::uid).containsExactly(1L, 2L, 3L);
      assertThat(m.get(0).flags()).containsExactly("\\Seen");
      assertThat(m.get(1).flags()).containsExactlyInAnyOrder("$Label1", "\\Flagged");
      assertThat(m.get(1).internalDate()).isEqualTo(2000);
      assertThat(m.get(1).modseq()).isGreaterThan(m.get(0).modseq());
    }
    // Flags are mirrored in the file names for other Maildir readers.
    assertThat(files("cur")).anyMatch(f -> f.endsWith(":2,S")).anyMatch(f -> f.endsWith(":2,F")).anyMatch(f -> f.endsWith(":2,"));
  }

  @Test
  void defaultFoldersOnFirstOpenOnly() throws Exception {
    try (MailStore store = new SqliteMailStore(data); Account a = store.open(USER)) {
      assertThat(a.mailboxes()).extracting(MailboxInfo::name)
          .containsExactly("Archive", "Drafts", "INBOX", "Junk", "Sent", "Trash");
      assertThat(a.mailbox("Sent").orElseThrow().specialUse()).contains("\\Sent");
      assertThat(a.subscriptions()).contains("INBOX", "Sent");
      a.delete("Junk");
    }
    try (MailStore store = new SqliteMailStore(data); Account a = store.open(USER)) {
      assertThat(a.mailboxes()).extracting(MailboxInfo::name).doesNotContain("Junk");
    }
    assertThat(Files.isDirectory(maildir().resolve(".Drafts/cur"))).isTrue();
    assertThat(Files.exists(maildir().resolve(".Drafts/maildirfolder"))).isTrue();
  }

  @Test
  void deliveriesGetUidsInArrivalOrderAndMoveToCur() throws Exception {
    try (MailStore store = new SqliteMailStore(data); Account a = store.open(USER)) {
      deliver("one");
      Thread.sleep(5);
      deliver("two");
      store.notifyDelivered(USER);
      List<MessageRecord> m = a.messages(a.mailbox("INBOX").orElseThrow().id());
      assertThat(m).extracting(MessageRecord::uid).containsExactly(1L, 2L);
      assertThat(m.get(0).base()).contains(".one.");
      assertThat(m.get(1).base()).contains(".two.");
      assertThat(m.get(0).size()).isEqualTo(MSG.length);
      assertThat(files("new")).isEmpty();
      assertThat(files("cur")).hasSize(2).allMatch(f -> f.endsWith(":2,"));
    }
    // Delivered while the store was closed: picked up on open.
    deliver("three");
    try (MailStore store = new SqliteMailStore(data); Account a = store.open(USER)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      assertThat(a.messages(inbox.id())).extracting(MessageRecord::uid).containsExactly(1L, 2L, 3L);
      Path f = StoreTesting.file(a, inbox, a.messages(inbox.id()).get(2));
      assertThat(Files.readAllBytes(f)).isEqualTo(MSG);
    }
  }

  /**
   * An account open only quietly (the search indexer between its syncs) leaves deliveries in new/ as a
   * closed one does, counts them towards the quota as such, and takes them in at a look, or when anyone
   * else opens it; once someone else has it open, deliveries come in as they arrive again.
   */
  @Test
  void anAccountOpenOnlyQuietlyLeavesDeliveriesInNewUntilSomeoneLooks() throws Exception {
    try (MailStore store = new SqliteMailStore(data); Account quiet = store.open(USER)) {
      long inbox = quiet.mailbox("INBOX").orElseThrow().id();
      quiet.quiet(true);
      deliver("one");
      store.notifyDelivered(USER);
      assertThat(files("new")).hasSize(1);
      assertThat(quiet.messages(inbox)).isEmpty();
      assertThat(store.usage(USER).messages()).as("counted while it waits").isEqualTo(1);
      try (Account session = store.open(USER)) {
        assertThat(session.messages(inbox)).as("another open takes it in").extracting(MessageRecord::uid).containsExactly(1L);
        assertThat(files("new")).isEmpty();
        deliver("two");
        store.notifyDelivered(USER);
        assertThat(session.messages(inbox)).as("watched: taken in at once").extracting(MessageRecord::uid).containsExactly(1L, 2L);
        assertThat(store.usage(USER).messages()).isEqualTo(2);
      }
      deliver("three");
      store.notifyDelivered(USER);
      assertThat(files("new")).hasSize(1);
      assertThat(store.usage(USER).messages()).as("quiet again: counted once").isEqualTo(3);
      quiet.poll(inbox);
      assertThat(quiet.messages(inbox)).extracting(MessageRecord::uid).containsExactly(1L, 2L, 3L);
      assertThat(store.usage(USER).messages()).isEqualTo(3);
      quiet.quiet(false);
      deliver("four");
      store.notifyDelivered(USER);
      assertThat(quiet.messages(inbox)).as("no longer quiet").hasSize(4);
    }
  }

  /**
   * A crash between the index's commit and the move of the deliveries from new/ to cur/ (FolderScan), or
   * after it but before the file system had the renames: the messages keep their UIDs and the next open
   * moves them again, without indexing them twice.
   */
  @Test
  void aMoveToCurLostInACrashKeepsTheMessageAndItsUid() throws Exception {
    try (MailStore store = new SqliteMailStore(data); Account a = store.open(USER)) {
      deliver("one");
      deliver("two");
      store.notifyDelivered(USER);
      assertThat(files("new")).isEmpty();
    }
    // as after a crash that kept the index's rows but not the renames
    for (String f : files("cur")) {
      Files.move(maildir().resolve("cur").resolve(f), maildir().resolve("new").resolve(f.substring(0, f.indexOf(':'))));
    }
    try (MailStore store = new SqliteMailStore(data); Account a = store.open(USER)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      List<MessageRecord> m = a.messages(inbox.id());
      assertThat(m).extracting(MessageRecord::uid).containsExactly(1L, 2L);
      assertThat(m.get(1).base()).contains(".two.");
      assertThat(Files.readAllBytes(StoreTesting.file(a, inbox, m.get(1)))).isEqualTo(MSG);
      assertThat(inbox.uidNext()).isEqualTo(3);
      assertThat(files("new")).isEmpty();
      assertThat(files("cur")).hasSize(2).allMatch(f -> f.endsWith(":2,"));
    }
  }

  @Test
  void reconcileAfterCrashOrOutsideChanges() throws Exception {
    try (MailStore store = new SqliteMailStore(data); Account a = store.open(USER)) {
      StoreTesting.append(a, "INBOX", MSG, Set.of(), 1);
      StoreTesting.append(a, "INBOX", MSG, Set.of(), 2);
    }
    // A file whose row was never committed (crash after write), with flags in its name,
    // and a row whose file vanished (crash after unlink, or another program).
    Files.write(maildir().resolve("cur/12345.orphan.host,S=" + MSG.length + ":2,FS"), MSG);
    String first = files("cur").stream().filter(f -> !f.contains("orphan")).findFirst().orElseThrow();
    Files.delete(maildir().resolve("cur").resolve(first));
    try (MailStore store = new SqliteMailStore(data); Account a = store.open(USER)) {
      List<MessageRecord> m = a.messages(a.mailbox("INBOX").orElseThrow().id());
      assertThat(m).hasSize(2);
      assertThat(m.getLast().uid()).isEqualTo(3); // never reuses a UID
      assertThat(m.getLast().flags()).containsExactlyInAnyOrder("\\Flagged", "\\Seen");
    }
  }

  @Test
  void reindexRebuildsFromFiles() throws Exception {
    try (MailStore store = new SqliteMailStore(data); Account a = store.open(USER)) {
      a.create("Lists/java", null);
      StoreTesting.append(a, "Lists/java", MSG, Set.of("\\Answered"), 1);
      StoreTesting.append(a, "INBOX", MSG, Set.of(), 1);
    }
    Files.delete(MailboxLayout.home(data, USER).resolve("index.db"));
    Files.deleteIfExists(MailboxLayout.home(data, USER).resolve("index.db-wal"));
    Files.deleteIfExists(MailboxLayout.home(data, USER).resolve("index.db-shm"));
    try (MailStore store = new SqliteMailStore(data)) {
      store.reindex(USER, true);
      try (Account a = store.open(USER)) {
        MailboxInfo java = a.mailbox("Lists/java").orElseThrow();
        assertThat(a.messages(java.id())).singleElement().satisfies(m -> assertThat(m.flags()).containsExactly("\\Answered"));
        assertThat(a.status("INBOX").messages()).isEqualTo(1);
      }
    }
  }

  @Test
  void mailboxOperations() throws Exception {
    try (MailStore store = new SqliteMailStore(data); Account a = store.open(USER)) {
      MailboxInfo x = a.create("x", null);
      assertThatThrownBy(() -> a.create("x", null)).isInstanceOf(StoreException.class)
          .extracting(e -> ((StoreException) e).kind()).isEqualTo(StoreException.Kind.ALREADYEXISTS);
      assertThatThrownBy(() -> a.create("bad*name", null)).isInstanceOf(StoreException.class);
      a.create("x/y.z", null);
      StoreTesting.append(a, "x/y.z", MSG, Set.of(), 1);
      a.rename("x", "renamed");
      assertThat(a.mailbox("renamed/y.z")).isPresent();
      assertThat(a.mailbox("renamed").orElseThrow().uidValidity()).isEqualTo(x.uidValidity());
      assertThat(Files.isDirectory(maildir().resolve(".renamed.y%2Ez/cur"))).isTrue();
      assertThat(a.status("renamed/y.z").messages()).isEqualTo(1);
      MailboxInfo y = a.create("x", null);
      assertThat(y.uidValidity()).isGreaterThan(x.uidValidity()); // a recreated name never reuses UIDVALIDITY
      a.delete("renamed/y.z");
      assertThat(Files.exists(maildir().resolve(".renamed.y%2Ez"))).isFalse();
    }
  }

  @Test
  void copyAndMoveKeepFlagsAndDates() throws Exception {
    try (MailStore store = new SqliteMailStore(data); Account a = store.open(USER)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      StoreTesting.append(a, "INBOX", MSG, Set.of("\\Flagged", "work"), 42_000);
      List<MessageRecord> msgs = a.messages(inbox.id());
      Account.CopyResult c = a.copy(inbox.id(), msgs, "Archive");
      assertThat(c.sourceUids()).containsExactly(1L);
      assertThat(c.targetUids()).containsExactly(1L);
      Account.CopyResult m = a.move(inbox.id(), msgs, "Trash");
      assertThat(m.targetUids()).containsExactly(1L);
      assertThat(a.messages(inbox.id())).isEmpty();
      MessageRecord t = a.messages(a.mailbox("Trash").orElseThrow().id()).getFirst();
      assertThat(t.flags()).containsExactlyInAnyOrder("\\Flagged", "work");
      assertThat(t.internalDate()).isEqualTo(42_000);
    }
  }
}
