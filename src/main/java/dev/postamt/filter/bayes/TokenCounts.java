package dev.postamt.filter.bayes;

import java.util.Arrays;

/**
 * Token counts read from the Bayes database before, by scope id and token hash: a fixed-size table in
 * which each (scope, hash) has one slot and a newer entry takes the slot of an older one, so it never
 * grows (1.25 MB when full) and never needs an eviction pass. A token never learned is kept as 0/0, as
 * the database answers it. Not thread-safe: {@link SqliteBayesStore} uses it under its lock, and
 * decides when it is stale.
 */
final class TokenCounts {
  /** Slots: a message has a few hundred distinct tokens, a learned database some 10⁵; common ones recur. */
  static final int SLOTS = 1 << 16;

  /** Scope id per slot; 0 = empty (SQLite's INTEGER PRIMARY KEY of the scope table starts at 1). */
  private long[] scopes;
  private long[] hashes;
  private int[] spam;
  private int[] ham;

  /** The slot of (scope, hash), or -1 when it is not here. */
  int find(long scope, long hash) {
    if (scopes == null) {
      return -1;
    }
    int s = slot(scope, hash);
    return scopes[s] == scope && hashes[s] == hash ? s : -1;
  }

  int spam(int slot) {
    return spam[slot];
  }

  int ham(int slot) {
    return ham[slot];
  }

  void put(long scope, long hash, int s, int h) {
    if (scopes == null) {
      scopes = new long[SLOTS];
      hashes = new long[SLOTS];
      spam = new int[SLOTS];
      ham = new int[SLOTS];
    }
    int i = slot(scope, hash);
    scopes[i] = scope;
    hashes[i] = hash;
    spam[i] = s;
    ham[i] = h;
  }

  /**
   * After a committed write through the same connection: each kept token of {@code hashes} gets the
   * change the database made ({@code max(0, count + d)}; a row left 0/0 is deleted there, which reads as
   * 0/0 here too). Tokens not kept stay out and are read when next asked.
   */
  void change(long scope, long[] hashes, int ds, int dh) {
    for (long h : hashes) {
      int s = find(scope, h);
      if (s >= 0) {
        spam[s] = Math.max(0, spam[s] + ds);
        ham[s] = Math.max(0, ham[s] + dh);
      }
    }
  }

  void clear() {
    if (scopes != null) {
      Arrays.fill(scopes, 0);
    }
  }

  private static int slot(long scope, long hash) {
    long x = hash + scope * 0x9E3779B97F4A7C15L;
    x ^= x >>> 32;
    x *= 0xD6E8FEB86659FD93L;
    x ^= x >>> 29;
    return (int) x & (SLOTS - 1);
  }
}
