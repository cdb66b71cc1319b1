package dev.postamt.imap;

import java.util.ArrayList;
import java.util.List;

/**
 * A sequence set (RFC 3501 §9 {@code sequence-set}) of message numbers or UIDs. {@code *} is kept as
 * {@link #STAR} and resolved against the largest number in use when the set is applied. {@code $}
 * (RFC 5182 {@code seq-last-command}) is {@link #SAVED}, with no ranges: the session substitutes the
 * saved search result.
 */
public record SequenceSet(List<Range> ranges, boolean saved) {
  public static final long STAR = -1;

  /** {@code $}: the result saved by the last {@code SEARCH RETURN (SAVE)}. */
  public static final SequenceSet SAVED = new SequenceSet(List.of(), true);

  public SequenceSet(List<Range> ranges) {
    this(ranges, false);
  }

  /** Whether {@code *} appears in the set. */
  public boolean hasStar() {
    return ranges.stream().anyMatch(r -> r.from() == STAR || r.to() == STAR);
  }

  /** {@code from:to} as written; either end may be {@link #STAR}; the order of the ends is free. */
  public record Range(long from, long to) {
    long lo(long max) {
      return Math.min(value(from, max), value(to, max));
    }

    long hi(long max) {
      return Math.max(value(from, max), value(to, max));
    }

    private static long value(long v, long max) {
      return v == STAR ? max : v;
    }
  }

  /** Whether {@code n} is in the set, {@code *} standing for {@code max}. Not for {@link #SAVED}. */
  public boolean contains(long n, long max) {
    for (Range r : ranges) {
      if (n >= r.lo(max) && n <= r.hi(max)) {
        return true;
      }
    }
    return false;
  }

  /** Parses {@code 1,3:5,7:*}; null when malformed. */
  public static SequenceSet parse(String s) {
    List<Range> out = new ArrayList<>();
    for (String part : s.split(",", -1)) {
      int colon = part.indexOf(':');
      long a = number(colon < 0 ? part : part.substring(0, colon));
      long b = colon < 0 ? a : number(part.substring(colon + 1));
      if (a == 0 || b == 0) {
        return null;
      }
      out.add(new Range(a, b));
    }
    return new SequenceSet(List.copyOf(out));
  }

  /** A positive nz-number below 2^32, STAR for {@code *}, 0 for invalid. */
  private static long number(String s) {
    if (s.equals("*")) {
      return STAR;
    }
    if (s.isEmpty() || s.length() > 10 || s.charAt(0) == '0') {
      return 0;
    }
    long v = 0;
    for (char c : s.toCharArray()) {
      if (c < '0' || c > '9') {
        return 0;
      }
      v = v * 10 + (c - '0');
    }
    return v > 0xFFFFFFFFL ? 0 : v;
  }

  /** Compact form keeping the given order, e.g. {@code 1:3,7} (COPYUID pairs source and target by position). */
  public static String format(List<Long> nums) {
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (i < nums.size()) {
      int j = i;
      while (j + 1 < nums.size() && nums.get(j + 1) == nums.get(j) + 1) {
        j++;
      }
      if (!b.isEmpty()) {
        b.append(',');
      }
      b.append(nums.get(i));
      if (j > i) {
        b.append(':').append(nums.get(j));
      }
      i = j + 1;
    }
    return b.toString();
  }
}
