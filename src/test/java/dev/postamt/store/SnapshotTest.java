package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared message list of {@link Account#snapshot}, brought up to date from the rows changed since
 * the last one and the expunge history, always equals a full read of the index.
 */
class SnapshotTest {
  static final byte[] MSG = "Subject: s\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
  @TempDir Path data;

  /** The store under test; {@code PgStoreTests} runs these tests again with the index in PostgreSQL. */
  MailStore store(Path data) {
    return new SqliteMailStore(data);
  }

  @Test
  void incrementalSnapshotsEqualAFullReadThroughRandomChanges() {
    try (MailStore store = store(data); Account a = store.open("alice@example.test")) {
      for (int i = 0; i < 20; i++) {
        StoreTesting.append(a, "INBOX", MSG, Set.of(), 1000);
      }
      long id = a.mailbox("INBOX").orElseThrow().id();
      Random r = new Random(42);
      List<MessageRecord> before = a.snapshot(id).messages();
      assertThat(a.snapshot(id).messages()).isSameAs(before); // unchanged: the very same list
      for (int step = 0; step < 60; step++) {
        List<MessageRecord> now = a.messages(id);
        switch (r.nextInt(4)) {
          case 0 -> StoreTesting.append(a, "INBOX", MSG, Set.of("\\Seen"), 2000);
          case 1 -> {
            if (!now.isEmpty()) {
              long uid = now.get(r.nextInt(now.size())).uid();
              a.store(id, List.of(uid), Account.FlagMode.ADD, List.of(r.nextBoolean() ? "\\Flagged" : "$Work"));
            }
          }
          case 2 -> {
            if (!now.isEmpty()) {
              long uid = now.get(r.nextInt(now.size())).uid();
              a.store(id, List.of(uid), Account.FlagMode.ADD, List.of("\\Deleted"));
              a.expunge(id, Optional.of(Set.of(uid)));
            }
          }
          default -> {
            if (!now.isEmpty()) {
              a.move(id, List.of(now.get(r.nextInt(now.size()))), "Archive");
            }
          }
        }
        List<MessageRecord> snap = a.snapshot(id).messages();
        assertThat(snap).as("step %d", step).isEqualTo(a.messages(id));
        assertThat(a.snapshot(a.mailbox("Archive").orElseThrow().id()).messages())
            .isEqualTo(a.messages(a.mailbox("Archive").orElseThrow().id()));
      }
    }
  }

  /**
   * {@link Account#knownSnapshot} answers from memory only while nothing changed: after each write of
   * the account it is empty (the caller reads) or already shows the write, never the state before it.
   */
  @Test
  void aKnownSnapshotNeverHidesAWriteOfThisAccount() {
    try (MailStore store = store(data); Account a = store.open("alice@example.test")) {
      long id = a.mailbox("INBOX").orElseThrow().id();
      long uid = StoreTesting.append(a, "INBOX", MSG, Set.of(), 1000).uid();
      Account.Snapshot read = a.snapshot(id);
      a.knownSnapshot(id).ifPresent(k -> assertThat(k.messages()).isEqualTo(read.messages()));

      a.store(id, List.of(uid), Account.FlagMode.ADD, List.of("\\Flagged"));
      a.knownSnapshot(id).ifPresent(k -> assertThat(k.messages().getFirst().flags()).contains("\\Flagged"));
      assertThat(a.snapshot(id).messages().getFirst().flags()).contains("\\Flagged");

      long second = StoreTesting.append(a, "INBOX", MSG, Set.of(), 2000).uid();
      a.knownSnapshot(id).ifPresent(k -> assertThat(k.messages()).extracting(MessageRecord::uid)
          .containsExactly(uid, second));
      assertThat(a.mailbox(id).orElseThrow().uidNext()).isEqualTo(second + 1);
      a.snapshot(id);

      long firstRecent = a.claimRecent(id, second + 1);
      assertThat(firstRecent).isLessThanOrEqualTo(second);
      a.knownSnapshot(id).ifPresent(k -> assertThat(k.info().firstRecentUid()).isEqualTo(second + 1));
      assertThat(a.snapshot(id).info().firstRecentUid()).isEqualTo(second + 1);

      a.store(id, List.of(uid), Account.FlagMode.ADD, List.of("\\Deleted"));
      a.expunge(id, Optional.empty());
      a.knownSnapshot(id).ifPresent(k -> assertThat(k.messages()).extracting(MessageRecord::uid)
          .containsExactly(second));
      assertThat(a.snapshot(id).messages()).extracting(MessageRecord::uid).containsExactly(second);

      long archive = a.mailbox("Archive").orElseThrow().id();
      a.snapshot(archive);
      a.rename("Archive", "Old");
      a.knownSnapshot(archive).ifPresent(k -> assertThat(k.info().name()).isEqualTo("Old"));
      assertThat(a.mailbox(archive).orElseThrow().name()).isEqualTo("Old");
    }
  }
}
