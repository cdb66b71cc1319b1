package dev.postamt.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Search;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageRecord;
import dev.postamt.store.SqliteMailStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index behind a store: it follows appends, flag changes, expunges and moves, catches up after a
 * restart, says "read it" for what it has not seen, and survives damage by rebuilding.
 */
class SearchIndexesTest {
  static final String USER = "alice@example.test";
  @TempDir Path dir;
  MailStore store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  static byte[] message(String subject, String body) {
    return ("From: Bob <bob@example.org>\r\nTo: alice@example.test\r\nSubject: " + subject
        + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n").getBytes(StandardCharsets.UTF_8);
  }

  static long append(Account a, String mailbox, byte[] m) {
    return a.append(mailbox, new ByteArrayInputStream(m), m.length, Set.of(), System.currentTimeMillis()).uid();
  }

  MailStore serve(Search config) {
    store = SearchIndexes.serve(new SqliteMailStore(dir), config);
    return store;
  }

  static SearchIndexes idle(Account a) throws InterruptedException {
    SearchIndexes ix = SearchIndexes.of(a).orElseThrow();
    assertThat(ix.awaitIdle(30_000)).as("indexer idle").isTrue();
    return ix;
  }

  static Boolean body(SearchIndexes ix, Account a, String mailbox, long uid, String needle) {
    MailboxInfo m = a.mailbox(mailbox).orElseThrow();
    SubstringQuery q = SubstringQuery.body(true, needle);
    return ix.substrings(a, m.id(), m.uidValidity(), List.of(q)).decide(q, uid);
  }

  @Test
  void anExpungedMessageLeavesTheIndexAndAMovedOneIsFoundInItsNewMailbox() throws Exception {
    serve(Search.defaults());
    try (Account a = store.open(USER)) {
      long one = append(a, "INBOX", message("first", "a zebra crossing"));
      long two = append(a, "INBOX", message("second", "zebras everywhere"));
      long three = append(a, "INBOX", message("third", "no stripes"));
      SearchIndexes ix = idle(a);
      assertThat(body(ix, a, "INBOX", one, "zebra")).isTrue();
      assertThat(body(ix, a, "INBOX", two, "ZEBRA")).isTrue();
      assertThat(body(ix, a, "INBOX", three, "zebra")).isFalse();

      long inbox = a.mailbox("INBOX").orElseThrow().id();
      a.store(inbox, List.of(one), Account.FlagMode.ADD, List.of("\\Deleted"));
      a.expunge(inbox, Optional.empty());
      List<MessageRecord> left = a.messages(inbox);
      Account.CopyResult moved = a.move(inbox, left.stream().filter(r -> r.uid() == two).toList(), "Archive");
      idle(a);
      assertThat(body(ix, a, "INBOX", one, "zebra")).as("expunged: unknown to the index").isNull();
      assertThat(body(ix, a, "INBOX", two, "zebra")).as("moved away").isNull();
      assertThat(body(ix, a, "Archive", moved.targetUids().getFirst(), "zebra")).isTrue();
      assertThat(ix.upToDate(USER)).isTrue();
    }
  }

  @Test
  void messagesTheIndexHasNotSeenAreLeftToTheScan() throws Exception {
    Files.createDirectories(dir);
    try (MailStore plain = new SqliteMailStore(dir); SearchIndexes tool = SearchIndexes.forTool(plain, Search.defaults())) {
      long old;
      try (Account a = plain.open(USER)) {
        old = append(a, "INBOX", message("old", "quokka"));
      }
      assertThat(tool.rebuild(USER)).isEqualTo(SearchIndexes.Rebuilt.DONE);
    }
    // a message arrives behind the index's back (another process), then the server starts
    try (MailStore plain = new SqliteMailStore(dir); Account a = plain.open(USER)) {
      append(a, "INBOX", message("new", "quokka again"));
    }
    serve(Search.defaults());
    try (Account a = store.open(USER)) {
      SearchIndexes ix = idle(a);
      List<MessageRecord> all = a.messages(a.mailbox("INBOX").orElseThrow().id());
      assertThat(all).hasSize(2);
      for (MessageRecord r : all) {
        assertThat(body(ix, a, "INBOX", r.uid(), "quokka")).as("caught up on start").isTrue();
      }
    }
  }

  /** An interrupted search closes the index's file channels (NIOFSDirectory); the next search opens them again. */
  @Test
  void aSearchCutOffByAnInterruptLeavesTheIndexUsable() throws Exception {
    serve(Search.defaults());
    try (Account a = store.open(USER)) {
      long uid = append(a, "INBOX", message("hello", "wombat"));
      SearchIndexes ix = idle(a);
      Thread.currentThread().interrupt();
      Boolean cutOff;
      try {
        cutOff = body(ix, a, "INBOX", uid, "wombat");
      } finally {
        Thread.interrupted();
      }
      assertThat(cutOff).as("the interrupted search falls back to the scan").isNull();
      assertThat(body(ix, a, "INBOX", uid, "wombat")).as("the next search uses the index").isTrue();
      assertThat(body(ix, a, "INBOX", uid, "koala")).isFalse();
    }
  }

  @Test
  void aDamagedIndexIsMovedAsideAndRebuilt() throws Exception {
    serve(Search.defaults());
    long uid;
    try (Account a = store.open(USER)) {
      uid = append(a, "INBOX", message("hello", "wombat"));
      assertThat(body(idle(a), a, "INBOX", uid, "wombat")).isTrue();
    }
    store.close();
    store = null;
    Path index = dir.resolve("search").resolve(USER);
    Path biggest;
    try (var files = Files.list(index)) {
      biggest = files.filter(p -> !p.getFileName().toString().startsWith("segments")
              && !p.getFileName().toString().equals("write.lock"))
          .max(Comparator.comparingLong(SearchIndexesTest::size)).orElseThrow();
    }
    byte[] b = Files.readAllBytes(biggest);
    Files.write(biggest, java.util.Arrays.copyOf(b, b.length / 2)); // truncated: a crash of the disk, say

    serve(Search.defaults());
    try (Account a = store.open(USER)) {
      SearchIndexes ix = idle(a);
      assertThat(body(ix, a, "INBOX", uid, "wombat")).as("rebuilt").isTrue();
    }
    try (var broken = Files.list(dir.resolve("search").resolve(".broken"))) {
      assertThat(broken.toList()).hasSize(1);
    }
  }

  @Test
  void aFullQueueMarksUsersStaleAndTheyAreCaughtUpLater() throws Exception {
    serve(new Search(true, 1, 50L << 20, 1000));
    List<String> users = List.of("u1@example.test", "u2@example.test", "u3@example.test", "u4@example.test");
    SearchIndexes ix = null;
    for (String u : users) {
      try (Account a = store.open(u)) {
        append(a, "INBOX", message("for " + u, "platypus"));
        ix = SearchIndexes.of(a).orElseThrow();
      }
    }
    assertThat(ix.awaitIdle(30_000)).isTrue();
    for (String u : users) {
      assertThat(ix.upToDate(u)).as(u).isTrue();
      try (Account a = store.open(u)) {
        assertThat(body(ix, a, "INBOX", a.messages(a.mailbox("INBOX").orElseThrow().id()).getFirst().uid(), "platypus"))
            .isTrue();
      }
    }
  }

  @Test
  void mailDroppedIntoTheMaildirIsIndexedWhileTheIndexerHoldsTheAccount() throws Exception {
    serve(Search.defaults());
    SearchIndexes ix;
    try (Account a = store.open(USER)) {
      append(a, "INBOX", message("first", "a zebra"));
      ix = idle(a);
    } // the indexer's sync added one message: it keeps the account open for the next
    // another program's delivery, straight into new/, with nobody told but the indexer
    byte[] m = message("dropped", "an ocelot");
    dev.postamt.store.Maildir.deliver(dev.postamt.store.MailboxLayout.maildir(dir, USER),
        dev.postamt.store.Maildir.baseName(System.currentTimeMillis() / 1000, "T" + System.nanoTime(), "test",
            m.length), new byte[0], new ByteArrayInputStream(m));
    ix.changed(USER);
    assertThat(ix.awaitIdle(30_000)).isTrue();
    try (Account a = store.open(USER)) {
      List<MessageRecord> all = a.messages(a.mailbox("INBOX").orElseThrow().id());
      assertThat(all).hasSize(2);
      assertThat(body(ix, a, "INBOX", all.getLast().uid(), "ocelot")).as("taken in and indexed").isTrue();
      assertThat(ix.upToDate(USER)).isTrue();
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }
}
