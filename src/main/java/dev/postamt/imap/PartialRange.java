package dev.postamt.imap;

import java.util.List;

/**
 * A page of a result (RFC 9394 §3): {@code low:high} counts positions from the first match, {@code
 * -low:-high} from the last one ({@code -1} is the last). Used by SEARCH and SORT {@code RETURN (PARTIAL
 * …)} (answered {@code PARTIAL (range set)}, RFC 9394 §3.1, RFC 5267 §4.4) and by the FETCH modifier
 * {@code (PARTIAL …)} (RFC 9394 §3.2). The two ends may come in either order; the range is kept as sent
 * for the answer.
 *
 * @param low the smaller absolute position, 1-based
 * @param high the larger absolute position
 * @param fromEnd whether positions count from the end
 */
record PartialRange(long low, long high, boolean fromEnd) {
  static final String CAPABILITY = "PARTIAL";

  /** Parses {@code partial-range-first / partial-range-last} (RFC 9394 §5); anything else is BAD. */
  static PartialRange parse(String range) throws ImapException {
    int colon = range.indexOf(':');
    if (colon > 0) {
      String a = range.substring(0, colon);
      String b = range.substring(colon + 1);
      boolean neg = a.startsWith("-");
      if (neg == b.startsWith("-")) {
        long x = number(neg ? a.substring(1) : a);
        long y = number(neg ? b.substring(1) : b);
        if (x > 0 && y > 0) {
          return new PartialRange(Math.min(x, y), Math.max(x, y), neg);
        }
      }
    }
    throw ImapException.bad("Invalid PARTIAL range " + ImapLexer.printable(range));
  }

  private static long number(String s) {
    if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(c -> c >= '0' && c <= '9') || s.charAt(0) == '0') {
      return -1;
    }
    long v = Long.parseLong(s);
    return v <= 0xFFFFFFFFL ? v : -1;
  }

  /** The members of {@code all} (in their order) at the range's positions; empty when none is. */
  <T> List<T> slice(List<T> all) {
    int n = all.size();
    long from; // 0-based, inclusive
    long to; // exclusive
    if (fromEnd) {
      from = Math.max(0, n - high);
      to = n - low + 1;
    } else {
      from = low - 1;
      to = Math.min(n, high);
    }
    if (from >= n || to <= from || to <= 0) {
      return List.of();
    }
    return all.subList((int) from, (int) to);
  }

  /** The range as the answer repeats it. */
  String wire() {
    return fromEnd ? "-" + low + ":-" + high : low + ":" + high;
  }

  /** {@code PARTIAL (range set)} with {@code NIL} for an empty page, the set formatted as given. */
  String answer(List<Long> page) {
    return "PARTIAL (" + wire() + " " + (page.isEmpty() ? "NIL" : SequenceSet.format(page)) + ")";
  }
}
