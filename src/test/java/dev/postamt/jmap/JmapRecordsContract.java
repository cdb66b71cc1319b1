package dev.postamt.jmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every {@link JmapRecords} backend does; run by {@link SqliteJmapRecordsTest} and {@link PgJmapRecordsTest}. */
interface JmapRecordsContract {
  String ALICE = "alice@example.test";
  String BOB = "bob@example.test";

  /** Empty records; a second call in one test opens the same ones again (another process, another node). */
  JmapRecords open() throws Exception;

  @Test
  default void aStoredObjectIsListedAndReadBackAndBumpsTheState() throws Exception {
    try (JmapRecords r = open()) {
      assertThat(r.state(ALICE, "Identity")).isZero();
      long n1 = r.put(ALICE, "Identity", "i1", Map.of("name", "Alice"));
      long n2 = r.put(ALICE, "Identity", "i2", Map.of("name", "Work"));
      assertThat(n2).isGreaterThan(n1);
      assertThat(r.state(ALICE, "Identity")).isEqualTo(n2);
      assertThat(r.list(ALICE, "Identity")).extracting(JmapRecords.Stored::id).containsExactly("i1", "i2");
      assertThat(r.get(ALICE, "Identity", "i2").orElseThrow().json()).containsEntry("name", "Work");
      assertThat(r.get(ALICE, "Identity", "nope")).isEmpty();
    }
  }

  @Test
  default void usersAndTypesAreApartAndUserNamesIgnoreCase() throws Exception {
    try (JmapRecords r = open()) {
      r.put(ALICE, "Identity", "i1", Map.of("name", "Alice"));
      r.put(BOB, "Identity", "i1", Map.of("name", "Bob"));
      r.put(ALICE, "EmailSubmission", "s1", Map.of("undoStatus", "final"));
      assertThat(r.get("ALICE@Example.TEST", "Identity", "i1").orElseThrow().json()).containsEntry("name", "Alice");
      assertThat(r.get(BOB, "Identity", "i1").orElseThrow().json()).containsEntry("name", "Bob");
      assertThat(r.list(BOB, "EmailSubmission")).isEmpty();
      assertThat(r.state(ALICE, "EmailSubmission")).isEqualTo(1);
      assertThat(r.state(BOB, "EmailSubmission")).isZero();
    }
  }

  @Test
  default void changesSinceAStateNameCreatedUpdatedAndDestroyed() throws Exception {
    try (JmapRecords r = open()) {
      r.put(ALICE, "Identity", "old", Map.of("v", 1L));
      r.put(ALICE, "Identity", "gone", Map.of("v", 1L));
      long since = r.state(ALICE, "Identity");
      r.put(ALICE, "Identity", "old", Map.of("v", 2L));
      r.put(ALICE, "Identity", "new", Map.of("v", 1L));
      r.put(ALICE, "Identity", "brief", Map.of("v", 1L));
      assertThat(r.destroy(ALICE, "Identity", "gone")).isTrue();
      assertThat(r.destroy(ALICE, "Identity", "brief")).isTrue();
      JmapRecords.Changes ch = r.changes(ALICE, "Identity", since);
      assertThat(ch.created()).containsExactly("new");
      assertThat(ch.updated()).containsExactly("old");
      assertThat(ch.destroyed()).containsExactly("gone");
      assertThat(ch.now()).isEqualTo(r.state(ALICE, "Identity"));
      assertThat(r.changes(ALICE, "Identity", ch.now()).created()).isEmpty();
      assertThat(r.list(ALICE, "Identity")).extracting(JmapRecords.Stored::id).containsExactlyInAnyOrder("old", "new");
    }
  }

  @Test
  default void destroyingWhatIsNotThereChangesNothing() throws Exception {
    try (JmapRecords r = open()) {
      r.put(ALICE, "Identity", "i1", Map.of());
      long before = r.state(ALICE, "Identity");
      assertThat(r.destroy(ALICE, "Identity", "nope")).isFalse();
      assertThat(r.destroy(ALICE, "Identity", "i1")).isTrue();
      assertThat(r.destroy(ALICE, "Identity", "i1")).isFalse();
      assertThat(r.state(ALICE, "Identity")).isEqualTo(before + 1);
    }
  }

  @Test
  default void anObjectCreatedAgainAfterItsDestructionIsNewToChanges() throws Exception {
    try (JmapRecords r = open()) {
      r.put(ALICE, "Identity", "i1", Map.of("v", 1L));
      r.destroy(ALICE, "Identity", "i1");
      long since = r.state(ALICE, "Identity");
      r.put(ALICE, "Identity", "i1", Map.of("v", 2L));
      JmapRecords.Changes ch = r.changes(ALICE, "Identity", since);
      assertThat(ch.created()).containsExactly("i1");
      assertThat(ch.updated()).isEmpty();
    }
  }

  @Test
  default void aMessageKeepsTheFirstThreadItJoined() throws Exception {
    try (JmapRecords r = open()) {
      assertThat(r.threadsOf(ALICE, List.of("a@x", "b@x"))).isEmpty();
      r.joinThread(ALICE, List.of("a@x", "b@x"), "T1");
      r.joinThread(ALICE, List.of("b@x", "c@x"), "T2");
      assertThat(r.threadsOf(ALICE, List.of("a@x", "b@x", "c@x", "d@x")))
          .containsExactlyInAnyOrderEntriesOf(Map.of("a@x", "T1", "b@x", "T1", "c@x", "T2"));
      assertThat(r.threadsOf(BOB, List.of("a@x"))).isEmpty();
    }
  }

  @Test
  default void whatOneInstanceWroteAnotherReads() throws Exception {
    try (JmapRecords a = open(); JmapRecords b = open()) {
      a.put(ALICE, "Identity", "i1", Map.of("name", "Alice", "replyTo", List.of("x@y")));
      a.joinThread(ALICE, List.of("m@x"), "T9");
      assertThat(b.get(ALICE, "Identity", "i1").orElseThrow().json()).containsEntry("replyTo", List.of("x@y"));
      assertThat(b.state(ALICE, "Identity")).isEqualTo(a.state(ALICE, "Identity"));
      assertThat(b.threadsOf(ALICE, List.of("m@x"))).containsEntry("m@x", "T9");
    }
  }
}
