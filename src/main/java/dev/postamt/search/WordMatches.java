package dev.postamt.search;

import java.util.Arrays;
import java.util.Map;

/**
 * The index's answer to one JMAP text condition over every mailbox of an account: for a message it
 * holds, whether the words occur; {@code null} for one it does not hold yet (the caller then reads the
 * message and matches as it would without an index).
 */
public final class WordMatches {
  private final Map<Long, long[]> hits;
  private final Map<Long, long[]> known;

  WordMatches(Map<Long, long[]> hits, Map<Long, long[]> known) {
    this.hits = hits;
    this.known = known;
  }

  public Boolean decide(long mailboxId, long uid) {
    long[] k = known.get(mailboxId);
    if (k == null || Arrays.binarySearch(k, uid) < 0) {
      return null;
    }
    return Arrays.binarySearch(hits.get(mailboxId), uid) >= 0;
  }
}
