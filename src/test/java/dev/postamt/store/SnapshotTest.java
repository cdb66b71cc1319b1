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
}
