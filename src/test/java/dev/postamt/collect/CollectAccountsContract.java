package dev.postamt.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link CollectAccounts} backend does; run by {@link SqliteCollectAccountsTest} and {@link PgCollectAccountsTest}. */
interface CollectAccountsContract {
  String ALICE = "alice@example.test";
  String BOB = "bob@example.test";
  Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  RemoteUrl POP = RemoteUrl.parse("pop3s://pop.remote.test");
  RemoteUrl IMAP = RemoteUrl.parse("imap://imap.remote.test:1143");

  /** Empty state; a second call in one test opens the same state again (another process, another node). */
  CollectAccounts open() throws Exception;

  @Test
  default void accountsAreAddedPerOwnerReadBackAndRemovedOnlyByTheirOwner() throws Exception {
    try (CollectAccounts s = open()) {
      long a = s.add(ALICE, POP, "old", new byte[] {1, 2, 0, (byte) 0xff}, false, true, false, T0);
      long b = s.add(BOB, IMAP, "bob", new byte[] {9}, true, false, true, T0.plusSeconds(1));
      long c = s.add(ALICE, IMAP, "work", new byte[] {7}, true, false, false, T0.plusSeconds(2));
      assertThat(List.of(a, b, c)).doesNotHaveDuplicates();
      assertThat(s.list(ALICE)).extracting(CollectAccounts.Account::id).containsExactly(a, c);
      assertThat(s.all()).extracting(CollectAccounts.Account::id).containsExactly(a, b, c);
      CollectAccounts.Account got = s.get(a).orElseThrow();
      assertThat(got.owner()).isEqualTo(ALICE);
      assertThat(got.url()).isEqualTo(POP);
      assertThat(got.login()).isEqualTo("old");
      assertThat(got.password()).containsExactly(1, 2, 0, 0xff);
      assertThat(List.of(got.keep(), got.insecure(), got.plaintext())).containsExactly(false, true, false);
      assertThat(got.created()).isEqualTo(T0);
      assertThat(got.lastRun()).isEmpty();
      assertThat(got.lastError()).isEmpty();
      assertThat(got.failures()).isZero();
      assertThat(got.nextAttempt()).isEqualTo(Instant.EPOCH); // due at once
      assertThat(got.collected()).isZero();
      assertThat(s.get(b).orElseThrow().plaintext()).isTrue();
      assertThat(s.remove(BOB, a)).isFalse();
      assertThat(s.remove(ALICE, a)).isTrue();
      assertThat(s.get(a)).isEmpty();
      assertThat(s.remove(ALICE, a)).isFalse();
      assertThat(s.list(ALICE)).extracting(CollectAccounts.Account::id).containsExactly(c);
    }
  }

  @Test
  default void aMessageIsPendingThenSeenAndCounted() throws Exception {
    try (CollectAccounts s = open()) {
      long a = s.add(ALICE, POP, "old", new byte[] {1}, false, false, false, T0);
      s.begin(a, "uidl-1", T0.plusSeconds(5));
      s.begin(a, "uidl-1", T0.plusSeconds(9)); // a retry keeps the first time: it fixes the delivered bytes
      s.begin(a, "uidl-2", T0.plusSeconds(6));
      assertThat(s.pending(a)).containsEntry("uidl-1", T0.plusSeconds(5)).containsEntry("uidl-2", T0.plusSeconds(6)).hasSize(2);
      assertThat(s.seen(a)).isEmpty();
      s.delivered(a, "uidl-1");
      assertThat(s.pending(a)).containsOnlyKeys("uidl-2");
      assertThat(s.seen(a)).containsExactly("uidl-1");
      assertThat(s.get(a).orElseThrow().collected()).isEqualTo(1);
    }
  }

  @Test
  default void idsNoLongerOnTheServerAreForgottenAndRemovingAnAccountDropsItsIds() throws Exception {
    try (CollectAccounts s = open()) {
      long a = s.add(ALICE, POP, "old", new byte[] {1}, false, false, false, T0);
      long b = s.add(ALICE, IMAP, "other", new byte[] {1}, false, false, false, T0);
      for (String id : List.of("1", "2", "3")) {
        s.begin(a, id, T0);
        s.delivered(a, id);
      }
      s.begin(a, "4", T0);
      s.begin(a, "5", T0);
      s.begin(b, "1", T0);
      s.delivered(b, "1");
      s.forgetAllBut(a, List.of("2", "5", "6"));
      assertThat(s.seen(a)).containsExactly("2");
      assertThat(s.pending(a)).containsOnlyKeys("5");
      assertThat(s.seen(b)).containsExactly("1");
      s.remove(ALICE, a);
      assertThat(s.seen(a)).isEmpty();
      assertThat(s.pending(a)).isEmpty();
      assertThat(s.seen(b)).containsExactly("1");
    }
  }

  @Test
  default void aRunsEndAndTheNextAttemptAreRecorded() throws Exception {
    try (CollectAccounts s = open()) {
      long a = s.add(ALICE, POP, "old", new byte[] {1}, false, false, false, T0);
      s.finished(a, T0.plusSeconds(60), "connection refused", 2, T0.plusSeconds(3600));
      CollectAccounts.Account failed = s.get(a).orElseThrow();
      assertThat(failed.lastRun()).contains(T0.plusSeconds(60));
      assertThat(failed.lastError()).contains("connection refused");
      assertThat(failed.failures()).isEqualTo(2);
      assertThat(failed.nextAttempt()).isEqualTo(T0.plusSeconds(3600));
      s.schedule(a, T0.plusSeconds(61));
      assertThat(s.get(a).orElseThrow().nextAttempt()).isEqualTo(T0.plusSeconds(61));
      s.finished(a, T0.plusSeconds(62), null, 0, T0.plusSeconds(662));
      assertThat(s.get(a).orElseThrow().lastError()).isEmpty();
      assertThat(s.get(a).orElseThrow().failures()).isZero();
    }
  }

  @Test
  default void whatOneInstanceWroteAnotherReadsAndAClaimCanBeTakenAgainOnceReleased() throws Exception {
    try (CollectAccounts a = open(); CollectAccounts b = open()) {
      long id = a.add(ALICE, POP, "old", new byte[] {1}, false, false, false, T0);
      a.begin(id, "x", T0);
      assertThat(b.pending(id)).containsOnlyKeys("x");
      Optional<CollectAccounts.Claim> first = a.claim(id);
      assertThat(first).isPresent();
      first.get().close();
      Optional<CollectAccounts.Claim> again = b.claim(id);
      assertThat(again).isPresent();
      again.get().close();
    }
  }
}
