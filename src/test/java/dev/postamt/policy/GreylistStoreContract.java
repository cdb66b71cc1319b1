package dev.postamt.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What every {@link GreylistStore} backend must do; a backend's test implements {@link #store} (a new,
 * empty store per test) and inherits these tests.
 */
interface GreylistStoreContract {
  GreylistStore store();

  Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

  @Test
  default void anUnknownTripletAndClientAreEmpty() {
    GreylistStore s = store();
    GreylistStore.Lookup l = s.lookup("net/a/b", "net");
    assertThat(l.triplet()).isEmpty();
    assertThat(l.clientPasses()).isZero();
  }

  @Test
  default void tripletsAreListedMostRecentFirstAndCanBeForgotten() {
    GreylistStore s = store();
    s.start("net/a/b", T0);
    s.start("net/c/d", T0.plusSeconds(30));
    s.pass("net/a/b", "net", T0.plusSeconds(600));
    assertThat(s.list(10)).containsExactly(
        new GreylistStore.Triplet("net/a/b", new GreylistStore.Entry(T0, T0.plusSeconds(600), true)),
        new GreylistStore.Triplet("net/c/d", new GreylistStore.Entry(T0.plusSeconds(30), T0.plusSeconds(30), false)));
    assertThat(s.list(1)).hasSize(1);
    assertThat(s.remove("net/a/b")).isTrue();
    assertThat(s.remove("net/a/b")).isFalse();
    assertThat(s.list(10)).extracting(GreylistStore.Triplet::key).containsExactly("net/c/d");
    assertThat(s.lookup("net/a/b", "net").triplet()).isEmpty();
  }

  @Test
  default void startTouchAndPassAreRemembered() {
    GreylistStore s = store();
    s.start("net/a/b", T0);
    assertThat(s.lookup("net/a/b", "net").triplet()).contains(new GreylistStore.Entry(T0, T0, false));
    s.touch("net/a/b", T0.plusSeconds(60));
    assertThat(s.lookup("net/a/b", "net").triplet()).contains(new GreylistStore.Entry(T0, T0.plusSeconds(60), false));
    assertThat(s.pass("net/a/b", "net", T0.plusSeconds(400))).isTrue();
    GreylistStore.Lookup l = s.lookup("net/a/b", "net");
    assertThat(l.triplet()).contains(new GreylistStore.Entry(T0, T0.plusSeconds(400), true));
    assertThat(l.clientPasses()).isEqualTo(1);
  }

  @Test
  default void onlyTheFirstPassOfATripletCountsForItsClient() {
    GreylistStore s = store();
    s.start("net/a/b", T0);
    assertThat(s.pass("net/a/b", "net", T0.plusSeconds(400))).isTrue();
    assertThat(s.pass("net/a/b", "net", T0.plusSeconds(500))).isFalse();
    s.start("net/a/c", T0);
    s.pass("net/a/c", "net", T0.plusSeconds(600));
    assertThat(s.lookup("net/x/y", "net").clientPasses()).isEqualTo(2);
    assertThat(s.lookup("net/a/b", "net").triplet().orElseThrow().lastSeen()).isEqualTo(T0.plusSeconds(500));
  }

  @Test
  default void startingOverResetsATriplet() {
    GreylistStore s = store();
    s.start("net/a/b", T0);
    s.start("net/a/b", T0.plusSeconds(86_400 * 3));
    assertThat(s.lookup("net/a/b", "net").triplet()).contains(new GreylistStore.Entry(T0.plusSeconds(86_400 * 3), T0.plusSeconds(86_400 * 3), false));
  }

  @Test
  default void purgeForgetsWhatWasNotUsedSince() {
    GreylistStore s = store();
    s.start("old/a/b", T0);
    s.pass("old/a/b", "old", T0.plusSeconds(300));
    s.start("new/a/b", T0.plusSeconds(10_000));
    s.pass("new/a/b", "new", T0.plusSeconds(10_400));
    int gone = s.purge(T0.plusSeconds(5_000));
    assertThat(gone).isEqualTo(2);
    assertThat(s.lookup("old/a/b", "old").triplet()).isEmpty();
    assertThat(s.lookup("old/a/b", "old").clientPasses()).isZero();
    assertThat(s.lookup("new/a/b", "new").triplet()).isPresent();
    assertThat(s.lookup("new/a/b", "new").clientPasses()).isEqualTo(1);
  }

  @Test
  default void seenClientKeepsAnAutoWhitelistedNetwork() {
    GreylistStore s = store();
    s.start("net/a/b", T0);
    s.pass("net/a/b", "net", T0.plusSeconds(300));
    s.seenClient("net", T0.plusSeconds(50_000));
    s.purge(T0.plusSeconds(40_000));
    assertThat(s.lookup("net/a/b", "net").triplet()).isEmpty();
    assertThat(s.lookup("net/a/b", "net").clientPasses()).isEqualTo(1);
  }
}
