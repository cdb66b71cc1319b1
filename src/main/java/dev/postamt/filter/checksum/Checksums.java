package dev.postamt.filter.checksum;

import dev.postamt.config.Config;
import dev.postamt.filter.Check;
import dev.postamt.filter.ScannedMessage;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * Checksums of known spam: {@link #learnSpam} stores a message's {@link FuzzyHash} signature, {@link
 * #check()} adds {@code FUZZY_SPAM} to a message whose signature is at least {@value #THRESHOLD} like a
 * stored one (reason: how alike, and when the other was learned), {@link #forget} takes a signature out
 * again (a message relearned as ham or forgotten).
 */
public final class Checksums implements AutoCloseable {
  /** The estimated share of shingles two texts must have in common to count as copies. */
  public static final double THRESHOLD = 0.7;
  public static final String SYMBOL = "FUZZY_SPAM";
  public static final double SCORE = 3.0;
  /** Candidates compared per message: plenty for a near-copy, a bound on work for a pathological store. */
  private static final int CANDIDATES = 64;

  private final ChecksumStore store;
  private final boolean enabled;
  private final Clock clock;

  public Checksums(ChecksumStore store, boolean enabled, Clock clock) {
    this.store = store;
    this.enabled = enabled;
    this.clock = clock;
  }

  /**
   * Opens the store {@code config} names ({@link ChecksumStore#open}); the check does nothing unless {@code
   * spam.checksums}.
   */
  public static Checksums open(Config config) throws IOException {
    return new Checksums(ChecksumStore.open(config), config.spam().checksums(), Clock.systemUTC());
  }

  public ChecksumStore store() {
    return store;
  }

  public Check check() {
    return (in, out) -> {
      if (!enabled || store.empty()) {
        return; // nothing learned: no candidate could come back, so the text is not hashed
      }
      long[] sig = FuzzyHash.of(in.message());
      if (sig == null) {
        return;
      }
      List<ChecksumStore.Entry> candidates = store.candidates(FuzzyHash.bands(sig), CANDIDATES);
      double best = 0;
      ChecksumStore.Entry match = null;
      for (ChecksumStore.Entry e : candidates) {
        double s = FuzzyHash.similarity(sig, e.signature());
        if (s > best) {
          best = s;
          match = e;
        }
      }
      if (match != null && best >= THRESHOLD) {
        out.add(SYMBOL, SCORE, String.format(Locale.ROOT, "Text %.0f%% like a message learned as spam on %s",
            best * 100, match.added().atOffset(ZoneOffset.UTC).toLocalDate()));
      }
    };
  }

  /** Stores the signature of a message learned as spam; false when its text is too short or it is known. */
  public boolean learnSpam(ScannedMessage m) throws IOException {
    long[] sig = FuzzyHash.of(m);
    return sig != null && store.add(sig, FuzzyHash.bands(sig), clock.instant());
  }

  /** Removes the signature of a message relearned as ham or forgotten; false when it was not stored. */
  public boolean forget(ScannedMessage m) throws IOException {
    long[] sig = FuzzyHash.of(m);
    return sig != null && store.remove(sig);
  }

  @Override
  public void close() {
    store.close();
  }
}
