package dev.postamt.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When the indexer syncs a user whose mail keeps changing: after a pause, at an age, at a backlog. */
class IndexPacingTest {
  @Test
  void aUserIsHeldWhileChangesFlowAndReleasedByAPause() {
    IndexPacing p = new IndexPacing();
    p.changed("a");
    long now = System.nanoTime();
    assertThat(p.ready("a", now)).as("just changed").isFalse();
    assertThat(p.ready("a", now + IndexPacing.QUIET_NANOS)).as("quiet since").isTrue();
    assertThat(p.ready("b", now)).as("nothing known about b: now").isTrue();
  }

  @Test
  void changesThatNeverPauseWaitAtMostTheMaximumAge() {
    IndexPacing p = new IndexPacing();
    p.changed("a");
    long start = System.nanoTime();
    assertThat(p.ready("a", start + IndexPacing.MAX_AGE_NANOS)).isTrue();
  }

  @Test
  void aBacklogOrASearchOrAWaitForIdleReleasesAtOnce() {
    IndexPacing p = new IndexPacing();
    for (int i = 0; i < IndexPacing.MAX_BACKLOG; i++) {
      p.changed("a");
    }
    assertThat(p.ready("a", System.nanoTime())).as("backlog").isTrue();

    p.changed("b");
    assertThat(p.ready("b", System.nanoTime())).isFalse();
    p.urgent("b");
    assertThat(p.ready("b", System.nanoTime())).as("a search wants it").isTrue();

    p.changed("c");
    p.hurry();
    assertThat(p.ready("c", System.nanoTime())).as("awaitIdle").isTrue();
    p.endHurry();
    assertThat(p.ready("c", System.nanoTime())).isFalse();
  }

  @Test
  void newMailTakenInIsNotCountedAgainTowardsTheBacklog() {
    IndexPacing p = new IndexPacing();
    for (int i = 0; i < IndexPacing.MAX_BACKLOG - 1; i++) {
      p.changed("a"); // a delivery
      p.changed("a", false); // the store taking it in
    }
    long now = System.nanoTime();
    assertThat(p.ready("a", now)).as("one delivery short of the backlog").isFalse();
    p.changed("a");
    assertThat(p.ready("a", System.nanoTime())).as("backlog").isTrue();

    p.changed("b", false);
    long then = System.nanoTime();
    assertThat(p.ready("b", then)).as("held like a change").isFalse();
    assertThat(p.ready("b", then + IndexPacing.QUIET_NANOS)).isTrue();
  }

  @Test
  void heldUsersAreHandedOutOnceReadyAndASyncStartsAfresh() {
    IndexPacing p = new IndexPacing();
    p.changed("a");
    p.hold("a");
    assertThat(p.nextReady()).isNull();
    assertThat(p.pollNanos(1_000_000_000L)).as("looks again soon").isEqualTo(IndexPacing.TICK_NANOS);
    p.urgent("a");
    assertThat(p.nextReady()).isEqualTo("a");
    assertThat(p.nextReady()).isNull();
    p.taken("a");
    assertThat(p.pollNanos(1_000_000_000L)).isEqualTo(1_000_000_000L);
    p.changed("a");
    assertThat(p.ready("a", System.nanoTime())).as("a new change after the sync began waits again").isFalse();
  }
}
