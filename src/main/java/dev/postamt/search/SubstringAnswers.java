package dev.postamt.search;

import java.util.Arrays;
import java.util.Map;

/**
 * The index's answers to the string keys of one SEARCH over one mailbox: for each key and UID, a
 * definite yes or no where the index knows the message, and {@code null} (read the message) where it
 * does not: messages delivered after the index last caught up, messages it could only index partly
 * (non-text parts, over the size budget), keys it cannot answer (a needle with characters it does not
 * index), and long bodies that hold every piece of the needle but not the needle where the index keeps
 * positions ({@link Runs}, {@link Trigrams}). Never a wrong answer: see {@link SearchText}, {@link Runs}
 * and {@link Trigrams}.
 */
public final class SubstringAnswers {
  /** Answers nothing: the scan decides every message. */
  public static final SubstringAnswers NONE = new SubstringAnswers(Map.of(), Map.of(), new long[0], new long[0]);

  private final Map<SubstringQuery, long[]> hits;
  private final Map<SubstringQuery, long[]> maybe;
  private final long[] knownHeaders;
  private final long[] knownBodies;

  /**
   * @param hits per answered key, the matching UIDs, sorted
   * @param maybe per answered key, UIDs that may match and must be read (absent: none), sorted
   * @param knownHeaders the UIDs whose headers the index holds completely, sorted
   * @param knownBodies the UIDs whose bodies it holds completely too, sorted
   */
  SubstringAnswers(Map<SubstringQuery, long[]> hits, Map<SubstringQuery, long[]> maybe, long[] knownHeaders,
      long[] knownBodies) {
    this.hits = hits;
    this.maybe = maybe;
    this.knownHeaders = knownHeaders;
    this.knownBodies = knownBodies;
  }

  /** True or false when the index knows, null when the message must be read. */
  public Boolean decide(SubstringQuery q, long uid) {
    long[] h = hits.get(q);
    if (h == null) {
      return null;
    }
    long[] known = q.target() == SubstringQuery.Target.HEADER ? knownHeaders : knownBodies;
    if (Arrays.binarySearch(known, uid) < 0) {
      return null;
    }
    if (Arrays.binarySearch(h, uid) >= 0) {
      return true;
    }
    long[] m = maybe.get(q);
    return m != null && Arrays.binarySearch(m, uid) >= 0 ? null : false;
  }

  /** Whether any key is answered (for logs and tests). */
  public boolean answersAny() {
    return !hits.isEmpty();
  }
}
