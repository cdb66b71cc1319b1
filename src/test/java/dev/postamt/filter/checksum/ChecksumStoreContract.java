package dev.postamt.filter.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.filter.Symbol;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What every {@link ChecksumStore} backend must do; a backend's test implements {@link #store}. */
interface ChecksumStoreContract {
  /** A new, empty store (closed by the test). */
  ChecksumStore store() throws Exception;

  Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

  /** A random signature, as {@link FuzzyHash} would make: {@value FuzzyHash#SIZE} longs. */
  static long[] signature(long seed) {
    Random r = new Random(seed);
    long[] sig = new long[FuzzyHash.SIZE];
    for (int i = 0; i < sig.length; i++) {
      sig[i] = r.nextLong();
    }
    return sig;
  }

  @Test
  default void aSignatureIsStoredOnceAndFoundByAnyOfItsBands() throws Exception {
    try (ChecksumStore s = store()) {
      long[] sig = signature(1);
      long[] bands = FuzzyHash.bands(sig);
      assertThat(s.add(sig, bands, T0)).isTrue();
      assertThat(s.add(sig, bands, T0.plusSeconds(60))).as("the same signature again").isFalse();
      assertThat(s.count()).isEqualTo(1);
      List<ChecksumStore.Entry> found = s.candidates(bands, 10);
      assertThat(found).singleElement().satisfies(e -> {
        assertThat(e.signature()).containsExactly(sig);
        assertThat(e.added()).isEqualTo(T0);
      });
      // another signature sharing one band key with it finds it as a candidate
      long[] other = signature(2);
      long[] otherBands = FuzzyHash.bands(other);
      otherBands[otherBands.length - 1] = bands[5];
      assertThat(s.candidates(otherBands, 10)).hasSize(1);
      assertThat(s.candidates(FuzzyHash.bands(other), 10)).isEmpty();
    }
  }

  @Test
  default void candidatesAreBoundedByTheLimit() throws Exception {
    try (ChecksumStore s = store()) {
      long[] shared = FuzzyHash.bands(signature(100));
      for (int i = 0; i < 5; i++) {
        long[] sig = signature(200 + i);
        long[] bands = FuzzyHash.bands(sig);
        bands[0] = shared[0]; // all five share one band key
        assertThat(s.add(sig, bands, T0)).isTrue();
      }
      assertThat(s.count()).isEqualTo(5);
      assertThat(s.candidates(shared, 3)).hasSize(3);
      assertThat(s.candidates(shared, 64)).hasSize(5);
    }
  }

  @Test
  default void removeTakesOutTheSignatureAndItsBands() throws Exception {
    try (ChecksumStore s = store()) {
      long[] kept = signature(3);
      long[] gone = signature(4);
      s.add(kept, FuzzyHash.bands(kept), T0);
      s.add(gone, FuzzyHash.bands(gone), T0);
      assertThat(s.remove(gone)).isTrue();
      assertThat(s.remove(gone)).isFalse();
      assertThat(s.remove(signature(5))).isFalse();
      assertThat(s.count()).isEqualTo(1);
      assertThat(s.candidates(FuzzyHash.bands(gone), 10)).isEmpty();
      assertThat(s.candidates(FuzzyHash.bands(kept), 10)).hasSize(1);
      assertThat(s.add(gone, FuzzyHash.bands(gone), T0)).as("learned again after forgetting").isTrue();
      assertThat(s.candidates(FuzzyHash.bands(gone), 10)).hasSize(1);
    }
  }

  @Test
  default void aModifiedCopyOfALearnedSpamMatches() throws Exception {
    try (Checksums c = new Checksums(store(), true, Clock.systemUTC())) {
      String spam = ChecksumsTest.SPAM;
      assertThat(c.learnSpam(ChecksumsTest.message("1", "Your prize", spam))).isTrue();
      assertThat(c.learnSpam(ChecksumsTest.message("1b", "Your prize again", spam))).as("same text: stored once").isFalse();

      String copy = spam.replace("John Smith", "Maria Garcia").replace("48", "72").replace("88412-A", "11873-Q")
          .replace("beautiful", "lovely").replace("family", "loved ones");
      List<Symbol> hit = ChecksumsTest.scan(c, ChecksumsTest.message("2", "Re: your prize", copy));
      assertThat(hit).extracting(Symbol::name).containsExactly("FUZZY_SPAM");
      assertThat(hit.getFirst().score()).isEqualTo(3.0);
      assertThat(hit.getFirst().reason()).matches("Text \\d+% like a message learned as spam on \\d{4}-\\d\\d-\\d\\d");

      String other = "Hi team, the quarterly report is ready. Please review the numbers in the attached sheet before"
          + " Friday, and add your comments to the shared document so that we can discuss them at the meeting"
          + " next week. The budget section still needs figures from marketing and from the operations group.";
      assertThat(ChecksumsTest.scan(c, ChecksumsTest.message("3", "report", other))).isEmpty();
      assertThat(ChecksumsTest.scan(c, ChecksumsTest.message("4", "short", "Congratulations! You have been selected to receive a free"))).isEmpty();
      assertThat(c.learnSpam(ChecksumsTest.message("5", "short", "too short to hash"))).isFalse();

      assertThat(c.forget(ChecksumsTest.message("6", "Your prize", spam))).isTrue();
      assertThat(ChecksumsTest.scan(c, ChecksumsTest.message("2", "Re: your prize", copy))).isEmpty();
      assertThat(c.store().count()).isZero();
    }
  }
}
