package dev.postamt.filter.rules;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pre-filter strings of every body, rawbody and full rule ({@link RequiredLiterals}) in one
 * Aho–Corasick automaton (Aho and Corasick, "Efficient string matching", CACM 1975): one pass over a
 * text finds which of them it holds, instead of one {@code indexOf} per string and rule over a copy of
 * the text in lower case. The pass lowers ASCII letters as it reads, exactly as {@link
 * RequiredLiterals#lower} does, so no lower-case copy is made, and it reads message bytes as ISO-8859-1
 * characters without building a string ({@code full} rules).
 *
 * <p>Characters that occur in no string share one column of the transition table; the table is dense
 * (states × distinct characters), built once when the rules are loaded, immutable, and safe to share.
 */
final class LiteralScan {
  /** Entries of the transition table at most (4 bytes each): 16 MB. */
  static final int MAX_TABLE = 4 << 20;

  private final Map<String, Integer> ids;
  /** Column of each char (0: in no string); upper-case ASCII shares the column of its lower case. */
  private final char[] column;
  private final int width;
  /**
   * The complete transition function, indexed by {@code base + column} where {@code base} is the state
   * times {@link #width}; it holds the next state's base, or {@code ~base} when strings end in that state
   * (so the pass tests the sign, not a second table, for each character).
   */
  private final int[] next;
  /** Per column: whether the start state stays where it is on it (the pass skips such characters). */
  private final boolean[] rootStays;
  /** The string ids that end in each state (its own and those along its failure links); null for none. */
  private final int[][] out;

  private LiteralScan(List<String> strings) {
    ids = new LinkedHashMap<>();
    for (String s : strings) {
      if (!s.isEmpty()) {
        ids.putIfAbsent(s, ids.size());
      }
    }
    column = new char[Character.MAX_VALUE + 1];
    int cols = 1;
    for (String s : ids.keySet()) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (column[c] == 0) {
          column[c] = (char) cols++;
        }
      }
    }
    for (char c = 'A'; c <= 'Z'; c++) {
      column[c] = column[c + 32]; // the strings are lower case; the text is lowered as it is read
    }
    width = cols;
    // the trie
    List<int[]> trie = new ArrayList<>();
    List<List<Integer>> ends = new ArrayList<>();
    trie.add(new int[width]);
    ends.add(new ArrayList<>());
    for (Map.Entry<String, Integer> e : ids.entrySet()) {
      int state = 0;
      for (int i = 0; i < e.getKey().length(); i++) {
        int col = column[e.getKey().charAt(i)];
        if (trie.get(state)[col] == 0) {
          trie.get(state)[col] = trie.size();
          trie.add(new int[width]);
          ends.add(new ArrayList<>());
        }
        state = trie.get(state)[col];
      }
      ends.get(state).add(e.getValue());
    }
    // failure links, breadth first; missing transitions become the failure state's (a DFA)
    int n = trie.size();
    int[] fail = new int[n];
    next = new int[n * width];
    out = new int[n][];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int col = 0; col < width; col++) {
      int t = trie.getFirst()[col];
      next[col] = t;
      if (t != 0) {
        queue.add(t);
      }
    }
    out[0] = null;
    while (!queue.isEmpty()) {
      int s = queue.poll();
      List<Integer> mine = new ArrayList<>(ends.get(s));
      if (out[fail[s]] != null) {
        for (int id : out[fail[s]]) {
          mine.add(id);
        }
      }
      out[s] = mine.isEmpty() ? null : mine.stream().mapToInt(Integer::intValue).distinct().toArray();
      for (int col = 0; col < width; col++) {
        int t = trie.get(s)[col];
        if (t != 0 && col != 0) {
          fail[t] = next[fail[s] * width + col];
          next[s * width + col] = t;
          queue.add(t);
        } else {
          next[s * width + col] = next[fail[s] * width + col];
        }
      }
    }
    for (int k = 0; k < next.length; k++) {
      int t = next[k];
      next[k] = out[t] != null ? ~(t * width) : t * width;
    }
    rootStays = new boolean[width];
    for (int col = 0; col < width; col++) {
      rootStays[col] = next[col] == 0;
    }
  }

  /**
   * An automaton for these strings (lower case, as {@link RequiredLiterals#of} gives them), or null when
   * its table would take more than {@value #MAX_TABLE} entries (a very large operator rule set): then
   * each rule's strings are looked for one by one, as before.
   */
  static LiteralScan of(List<String> strings) {
    long chars = 0;
    java.util.Set<Character> distinct = new java.util.HashSet<>();
    for (String s : strings) {
      chars += s.length();
      for (int i = 0; i < s.length(); i++) {
        distinct.add(s.charAt(i));
      }
    }
    if ((chars + 1) * (distinct.size() + 1) > MAX_TABLE) {
      return null;
    }
    return new LiteralScan(strings);
  }

  /** The id of a string given to {@link #of}, for {@link Filter}. */
  private int id(String s) {
    Integer id = ids.get(s);
    if (id == null) {
      throw new IllegalArgumentException("not in the automaton: " + s);
    }
    return id;
  }

  /** The ids of the strings {@code text} holds, ASCII letters compared without case. */
  BitSet scan(String text) {
    return pass().feed(text, 0, text.length()).found();
  }

  /** A pass over a text given in pieces ({@link Pass#feed}), as if they were one string. */
  Pass pass() {
    return new Pass();
  }

  /**
   * One pass of the automaton over consecutive pieces of a text: the rawbody text is scanned part by
   * part without being built, and built only when a rule's regex has to run. The characters are copied
   * a block at a time into a buffer ({@link String#getChars}), so that the loop reads an array.
   */
  final class Pass {
    private static final int BLOCK = 4096;
    private final BitSet found = new BitSet(ids.size());
    private final char[] block = new char[BLOCK];
    private int base;

    private Pass() {}

    /** Reads {@code text} from {@code from} to {@code to} after what was read before. */
    Pass feed(String text, int from, int to) {
      int s = base;
      for (int at = from; at < to; at += BLOCK) {
        int n = Math.min(BLOCK, to - at);
        text.getChars(at, at + n, block, 0);
        for (int i = 0; i < n; i++) {
          if (s == 0) { // in the start state: skip what begins no string, without the table's chain of loads
            while (i < n && rootStays[column[block[i]]]) {
              i++;
            }
            if (i == n) {
              break;
            }
          }
          char c = block[i];
          int t = next[s + column[c]];
          if (t < 0) {
            t = ~t;
            mark(found, t / width);
          }
          if (t == s) { // a state that stays on c stays on each repeat of it: a run is read by compares alone
            while (i + 1 < n && block[i + 1] == c) {
              i++;
            }
          }
          s = t;
        }
      }
      base = s;
      return this;
    }

    /** The ids of the strings in what was read so far. */
    BitSet found() {
      return found;
    }
  }

  /** As {@link #scan(String)} for bytes read as ISO-8859-1, {@code length} of them from the start. */
  BitSet scan(byte[] bytes, int length) {
    BitSet found = new BitSet(ids.size());
    int s = 0;
    for (int i = 0; i < length; i++) {
      if (s == 0) {
        while (i < length && rootStays[column[bytes[i] & 0xff]]) {
          i++;
        }
        if (i == length) {
          break;
        }
      }
      byte c = bytes[i];
      int t = next[s + column[c & 0xff]];
      if (t < 0) {
        t = ~t;
        mark(found, t / width);
      }
      if (t == s) { // as in Pass.feed: a run of a character the state stays on
        while (i + 1 < length && bytes[i + 1] == c) {
          i++;
        }
      }
      s = t;
    }
    return found;
  }

  private void mark(BitSet found, int state) {
    for (int id : out[state]) {
      found.set(id);
    }
  }

  /** A rule's pre-filter: it may match only when the text holds one of its strings. */
  Filter filter(List<String> strings) {
    if (strings.isEmpty()) {
      return Filter.NONE;
    }
    return new Filter(strings.stream().mapToInt(this::id).distinct().toArray());
  }

  /**
   * The ids of the strings of one rule, of which a match needs at least one ({@link #NONE}: no
   * filter, always run the regex).
   */
  record Filter(int[] ids) {
    static final Filter NONE = new Filter(new int[0]);

    boolean mayMatch(BitSet found) {
      if (ids.length == 0) {
        return true;
      }
      for (int id : ids) {
        if (found.get(id)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Filter f && Arrays.equals(ids, f.ids);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
      return "Filter" + Arrays.toString(ids);
    }
  }
}
