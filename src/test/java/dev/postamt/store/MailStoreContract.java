package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link MailStore} backend must do, as seen through the store API only (no files). A
 * backend's test implements this interface and says how to make an empty store; see {@link
 * SqliteMailStoreTest}. In the manner of Apache James's {@code *Contract} tests.
 */
public interface MailStoreContract {
  String USER = "carol@example.test";
  byte[] MSG = "Subject: contract\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

  /** A new, empty store in {@code dir} with the given quotas. */
  MailStore newStore(Path dir, Quota.Policy quotas);

  private static Account.AppendResult append(Account a, String box, byte[] msg, Set<String> flags) {
    return a.append(box, new ByteArrayInputStream(msg), msg.length, flags, 1_700_000_000_000L);
  }

  private static byte[] read(Account a, MailboxInfo box, MessageRecord m) throws Exception {
    try (MessageContent c = a.open(box, m).orElseThrow(); InputStream in = c.stream()) {
      return in.readAllBytes();
    }
  }

  @Test
  default void aNewAccountHasInboxAndTheDefaultFolders(@TempDir Path dir) {
    try (MailStore s = newStore(dir, Quota.Policy.NONE); Account a = s.open(USER)) {
      assertThat(a.mailboxes()).extracting(MailboxInfo::name)
          .contains(MailboxNames.INBOX, "Drafts", "Sent", "Trash", "Junk", "Archive");
      assertThat(a.mailbox("Sent").orElseThrow().specialUse()).contains("\\Sent");
      assertThat(a.mailbox("inbox")).isPresent(); // INBOX in any case
      assertThat(a.subscriptions()).contains(MailboxNames.INBOX, "Sent");
    }
  }

  @Test
  default void appendStoresTheStreamAndOpenGivesItBack(@TempDir Path dir) throws Exception {
    try (MailStore s = newStore(dir, Quota.Policy.NONE); Account a = s.open(USER)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      Account.AppendResult r1 = append(a, "INBOX", MSG, Set.of("\\seen", "$Label1"));
      Account.AppendResult r2 = append(a, "INBOX", "x".repeat(100_000).getBytes(StandardCharsets.US_ASCII), Set.of());
      assertThat(r1.uidValidity()).isEqualTo(inbox.uidValidity());
      assertThat(r2.uid()).isGreaterThan(r1.uid());
      List<MessageRecord> msgs = a.messages(inbox.id());
      assertThat(msgs).extracting(MessageRecord::uid).containsExactly(r1.uid(), r2.uid());
      assertThat(msgs.get(0).flags()).containsExactlyInAnyOrder("\\Seen", "$Label1");
      assertThat(msgs.get(0).internalDate()).isEqualTo(1_700_000_000_000L);
      assertThat(msgs.get(0).size()).isEqualTo(MSG.length);
      assertThat(read(a, inbox, msgs.get(0))).isEqualTo(MSG);
      try (MessageContent c = a.open(inbox, msgs.get(1)).orElseThrow()) {
        assertThat(c.size()).isEqualTo(100_000);
        assertThat(c.read(99_998, 10)).hasSize(2); // a range, without reading the rest
      }
    }
  }

  @Test
  default void flagsKeywordsAndModseq(@TempDir Path dir) {
    try (MailStore s = newStore(dir, Quota.Policy.NONE); Account a = s.open(USER)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      long uid = append(a, "INBOX", MSG, Set.of()).uid();
      long before = a.mailbox(inbox.id()).orElseThrow().highestModseq();
      List<MessageRecord> changed = a.store(inbox.id(), List.of(uid), Account.FlagMode.ADD, List.of("\\flagged", "Work"));
      assertThat(changed).singleElement().satisfies(m -> {
        assertThat(m.flags()).containsExactlyInAnyOrder("\\Flagged", "Work");
        assertThat(m.modseq()).isGreaterThan(before);
      });
      assertThat(a.store(inbox.id(), List.of(uid), Account.FlagMode.ADD, List.of("work"))).isEmpty(); // no change
      a.store(inbox.id(), List.of(uid), Account.FlagMode.REMOVE, List.of("WORK"));
      assertThat(a.messages(inbox.id()).getFirst().flags()).containsExactly("\\Flagged");
      List<Long> modified = new ArrayList<>();
      assertThat(a.store(inbox.id(), List.of(uid), Account.FlagMode.REPLACE, List.of("\\Seen"), before, modified)).isEmpty();
      assertThat(modified).containsExactly(uid); // RFC 7162 UNCHANGEDSINCE
    }
  }

  @Test
  default void changedSinceGivesOnlyTheMessagesNewOrChangedAfterAModseq(@TempDir Path dir) {
    try (MailStore s = newStore(dir, Quota.Policy.NONE); Account a = s.open(USER)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      long first = append(a, "INBOX", MSG, Set.of()).uid();
      long second = append(a, "INBOX", MSG, Set.of()).uid();
      append(a, "INBOX", MSG, Set.of());
      long seen = a.mailbox(inbox.id()).orElseThrow().highestModseq();
      assertThat(a.changedSince(inbox.id(), seen).messages()).isEmpty();
      a.store(inbox.id(), List.of(second), Account.FlagMode.ADD, List.of("\\Seen"));
      long fourth = append(a, "INBOX", MSG, Set.of()).uid();
      Account.Snapshot changed = a.changedSince(inbox.id(), seen);
      assertThat(changed.messages()).extracting(MessageRecord::uid).containsExactly(second, fourth);
      assertThat(changed.info().highestModseq()).isGreaterThan(seen);
      assertThat(changed.info().uidNext()).isEqualTo(fourth + 1);
      assertThat(a.changedSince(inbox.id(), 0).messages()).extracting(MessageRecord::uid).startsWith(first).hasSize(4);
    }
  }

  @Test
  default void copyAndMoveKeepFlagsAndReportUids(@TempDir Path dir) throws Exception {
    try (MailStore s = newStore(dir, Quota.Policy.NONE); Account a = s.open(USER)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      append(a, "INBOX", MSG, Set.of("\\Answered"));
      append(a, "INBOX", MSG, Set.of());
      List<MessageRecord> msgs = a.messages(inbox.id());
      Account.CopyResult copy = a.copy(inbox.id(), msgs, "Archive");
      MailboxInfo archive = a.mailbox("Archive").orElseThrow();
      assertThat(copy.uidValidity()).isEqualTo(archive.uidValidity());
      assertThat(copy.sourceUids()).containsExactly(msgs.get(0).uid(), msgs.get(1).uid());
      assertThat(a.messages(archive.id())).extracting(MessageRecord::uid).containsExactlyElementsOf(copy.targetUids());
      assertThat(a.messages(archive.id()).getFirst().flags()).containsExactly("\\Answered");
      Account.CopyResult move = a.move(inbox.id(), List.of(msgs.get(0)), "Trash");
      assertThat(move.sourceUids()).containsExactly(msgs.get(0).uid());
      assertThat(a.messages(inbox.id())).extracting(MessageRecord::uid).containsExactly(msgs.get(1).uid());
      MailboxInfo trash = a.mailbox("Trash").orElseThrow();
      assertThat(read(a, trash, a.messages(trash.id()).getFirst())).isEqualTo(MSG);
      assertThatThrownBy(() -> a.copy(inbox.id(), msgs, "Nowhere"))
          .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.NONEXISTENT));
    }
  }

  @Test
  default void expungeRemovesDeletedMessagesAndKeepsTheirHistory(@TempDir Path dir) {
    try (MailStore s = newStore(dir, Quota.Policy.NONE); Account a = s.open(USER)) {
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      long u1 = append(a, "INBOX", MSG, Set.of()).uid();
      long u2 = append(a, "INBOX", MSG, Set.of("\\Deleted")).uid();
      long u3 = append(a, "INBOX", MSG, Set.of("\\Deleted")).uid();
      MessageRecord third = a.messages(inbox.id()).get(2);
      long modseq = a.mailbox(inbox.id()).orElseThrow().highestModseq();
      assertThat(a.expunge(inbox.id(), Optional.of(Set.of(u2)))).containsExactly(u2);
      assertThat(a.expunge(inbox.id(), Optional.empty())).containsExactly(u3);
      assertThat(a.messages(inbox.id())).extracting(MessageRecord::uid).containsExactly(u1);
      assertThat(a.expungedSince(inbox.id(), modseq)).contains(List.of(u2, u3));
      assertThat(a.open(inbox, third)).isEmpty();
      assertThat(a.snapshot(inbox.id()).messages()).extracting(MessageRecord::uid).containsExactly(u1);
    }
  }

  @Test
  default void mailboxesAreCreatedRenamedWithChildrenAndDeleted(@TempDir Path dir) {
    try (MailStore s = newStore(dir, Quota.Policy.NONE); Account a = s.open(USER)) {
      a.create("Projects/2024/Q1", null);
      a.create("Projects", null);
      append(a, "Projects/2024/Q1", MSG, Set.of());
      assertThatThrownBy(() -> a.create("Projects", null))
          .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.ALREADYEXISTS));
      a.rename("Projects", "Old");
      assertThat(a.mailboxes()).extracting(MailboxInfo::name).contains("Old", "Old/2024/Q1").doesNotContain("Projects");
      MailboxInfo q1 = a.mailbox("Old/2024/Q1").orElseThrow();
      assertThat(a.messages(q1.id())).hasSize(1);
      assertThatThrownBy(() -> a.delete("Old"))
          .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.CANNOT));
      a.delete("Old/2024/Q1");
      assertThat(a.mailbox("Old/2024/Q1")).isEmpty();
      assertThatThrownBy(() -> a.delete("INBOX"))
          .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.CANNOT));
      a.subscribe("Old", true);
      assertThat(a.subscriptions()).contains("Old");
      a.subscribe("Old", false);
      assertThat(a.subscriptions()).doesNotContain("Old");
    }
  }

  @Test
  default void mailboxNamesBeyondTheLimitsAreRefusedWithLimit(@TempDir Path dir) {
    try (MailStore s = newStore(dir, Quota.Policy.NONE); Account a = s.open(USER)) {
      for (String name : List.of("x".repeat(300), "a/".repeat(200) + "a", "é".repeat(200))) {
        assertThatThrownBy(() -> a.create(name, null))
            .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.LIMIT));
      }
      a.create("Short", null);
      assertThatThrownBy(() -> a.rename("Short", "y".repeat(300)))
          .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.LIMIT));
      for (String name : List.of("a//b", "/a", "a*", "bad\u0001", "half\ud800")) {
        assertThatThrownBy(() -> a.create(name, null))
            .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.CANNOT));
      }
      String deep = String.join("/", java.util.Collections.nCopies(MailboxNames.MAX_LEVELS, "d"));
      a.create(deep, null); // at the limit is fine
      assertThat(a.mailbox(deep)).isPresent();
    }
  }

  @Test
  default void quotaRefusesWhatWouldNotFitAndCountsUsage(@TempDir Path dir) {
    Quota.Policy twoMessages = user -> new Quota.Limit(0, 2);
    try (MailStore s = newStore(dir, twoMessages); Account a = s.open(USER)) {
      append(a, "INBOX", MSG, Set.of());
      append(a, "Sent", MSG, Set.of());
      assertThatThrownBy(() -> append(a, "INBOX", MSG, Set.of()))
          .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.OVERQUOTA));
      assertThat(a.quota().usage()).isEqualTo(new Quota.Usage(2L * MSG.length, 2));
      assertThat(s.quota(USER).full()).isTrue();
    }
  }

  @Test
  default void statusCountsMessages(@TempDir Path dir) {
    try (MailStore s = newStore(dir, Quota.Policy.NONE); Account a = s.open(USER)) {
      append(a, "INBOX", MSG, Set.of("\\Seen"));
      append(a, "INBOX", MSG, Set.of("\\Deleted"));
      Account.Status st = a.status("INBOX");
      assertThat(st.messages()).isEqualTo(2);
      assertThat(st.unseen()).isEqualTo(1);
      assertThat(st.deleted()).isEqualTo(1);
      assertThat(st.size()).isEqualTo(2L * MSG.length);
      assertThat(a.deletedSize("INBOX")).isEqualTo(MSG.length);
    }
  }

  @Test
  default void watchersHearOfChangesAndSessionsShareOneAccount(@TempDir Path dir) {
    try (MailStore s = newStore(dir, Quota.Policy.NONE); Account a = s.open(USER); Account b = s.open(USER)) {
      AtomicInteger told = new AtomicInteger();
      Runnable unwatch = b.watch(told::incrementAndGet);
      append(a, "INBOX", MSG, Set.of());
      assertThat(told.get()).isPositive();
      MailboxInfo inbox = b.mailbox("INBOX").orElseThrow();
      assertThat(b.snapshot(inbox.id()).messages()).hasSize(1);
      unwatch.run();
      int now = told.get();
      append(a, "INBOX", MSG, Set.of());
      assertThat(told.get()).isEqualTo(now);
    }
  }

  @Test
  default void deliveryIsDurableIdempotentAndSeenBySessions(@TempDir Path dir) throws Exception {
    try (MailStore s = newStore(dir, Quota.Policy.NONE)) {
      MailStore.DeliveryId id = new MailStore.DeliveryId(1_700_000_000L, "Qabc.R0", "mx.example.test");
      assertThat(s.exists(USER)).isFalse();
      s.create(USER);
      assertThat(s.exists(USER)).isTrue();
      assertThat(s.delivered(USER, id, MSG.length)).isFalse();
      try (Account a = s.open(USER)) {
        AtomicInteger told = new AtomicInteger();
        a.watch(told::incrementAndGet);
        s.deliver(USER, id, new ByteArrayInputStream(MSG), MSG.length);
        s.notifyDelivered(USER);
        assertThat(told.get()).isPositive();
        assertThat(s.delivered(USER, id, MSG.length)).isTrue();
        MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
        List<MessageRecord> msgs = a.snapshot(inbox.id()).messages();
        assertThat(msgs).hasSize(1);
        assertThat(read(a, inbox, msgs.getFirst())).isEqualTo(MSG);
        assertThat(s.delivered(USER, id, MSG.length)).isTrue(); // still found once taken into the index
      }
      assertThat(s.usage(USER)).isEqualTo(new Quota.Usage(MSG.length, 1));
    }
  }

  @Test
  default void deliveryIntoAMailboxWithFlagsIsIdempotentAndKeepsTheFlags(@TempDir Path dir) throws Exception {
    try (MailStore s = newStore(dir, Quota.Policy.NONE)) {
      MailStore.DeliveryId id = new MailStore.DeliveryId(1_700_000_000L, "Qabc.R0F1", "mx.example.test");
      try (Account a = s.open(USER)) {
        assertThat(s.mailboxExists(USER, "Lists/Work")).isFalse();
        a.create("Lists/Work", null);
        assertThat(s.mailboxExists(USER, "Lists/Work")).isTrue();
        assertThat(s.mailboxExists(USER, "inbox")).isTrue();
        assertThat(s.delivered(USER, "Lists/Work", id, MSG.length)).isFalse();
        s.deliver(USER, "Lists/Work", id, new ByteArrayInputStream(MSG), MSG.length, Set.of("\\Seen", "$Work"));
        assertThat(s.delivered(USER, "Lists/Work", id, MSG.length)).isTrue();
        assertThat(s.delivered(USER, "INBOX", id, MSG.length)).isFalse();
        MailboxInfo box = a.mailbox("Lists/Work").orElseThrow();
        List<MessageRecord> msgs = a.snapshot(box.id()).messages();
        assertThat(msgs).hasSize(1);
        assertThat(msgs.getFirst().flags()).containsExactlyInAnyOrder("\\Seen", "$Work");
        assertThat(read(a, box, msgs.getFirst())).isEqualTo(MSG);
        assertThat(s.delivered(USER, "Lists/Work", id, MSG.length)).isTrue(); // found once indexed, too
        // INBOX with a system flag: the flag is in the file name, no index work needed
        MailStore.DeliveryId inboxId = new MailStore.DeliveryId(1_700_000_000L, "Qabc.R0", "mx.example.test");
        s.deliver(USER, "inbox", inboxId, new ByteArrayInputStream(MSG), MSG.length, Set.of("\\Flagged"));
        assertThat(s.delivered(USER, inboxId, MSG.length)).isTrue();
        MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
        assertThat(a.snapshot(inbox.id()).messages()).singleElement()
            .satisfies(m -> assertThat(m.flags()).containsExactly("\\Flagged"));
      }
      assertThatThrownBy(() -> s.deliver(USER, "Nowhere", id, new ByteArrayInputStream(MSG), MSG.length, Set.of()))
          .isInstanceOf(StoreException.class).hasMessageContaining("Nowhere");
    }
  }
}
