package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link SearchContexts#difference}: a client that applies the REMOVEFROM and ADDTO pairs in order, as
 * RFC 5267 §4.3.2–§4.3.4 says, ends with the new result — checked on the RFC's own example and on many
 * random changes of sorted results (removals and insertions anywhere, survivors keeping their order).
 */
class SearchContextsTest {
  private static final Pattern ITEM = Pattern.compile(" (REMOVEFROM|ADDTO) \\(([^)]*)\\)");

  @Test
  void searchResultsUsePositionZeroInMailboxOrder() {
    String d = SearchContexts.difference(List.of(1L, 2L, 4L), List.of(2L, 3L, 5L, 6L), true, u -> u);
    assertThat(d).isEqualTo(" REMOVEFROM (0 1,4) ADDTO (0 3,5:6)");
    assertThat(SearchContexts.difference(List.of(1L), List.of(1L), true, u -> u)).isEmpty();
  }

  @Test
  void sortedResultsUsePositionsAsTheListStandsAtEachPair() {
    // RFC 5267 §4.3.3: 2734:2735 becomes 2731:2735, preferably as one insertion at position 1.
    assertThat(SearchContexts.difference(List.of(2734L, 2735L), List.of(2731L, 2732L, 2733L, 2734L, 2735L), false,
        u -> u)).isEqualTo(" ADDTO (1 2731:2733)");
    assertThat(SearchContexts.difference(List.of(5L, 3L, 9L, 1L, 7L), List.of(3L, 8L, 1L), false, u -> u))
        .isEqualTo(" REMOVEFROM (1 5 2 9 3 7) ADDTO (2 8)");
    // Message numbers instead of UIDs; one the numbering cannot show is left out.
    assertThat(SearchContexts.difference(List.of(10L, 20L), List.of(20L, 30L), false, u -> u == 10 ? 0 : u / 10))
        .isEqualTo(" ADDTO (2 3)");
  }

  @Test
  void applyingTheDifferenceGivesTheNewResult() {
    Random r = new Random(5267);
    for (int round = 0; round < 2000; round++) {
      List<Long> before = new ArrayList<>();
      Set<Long> used = new HashSet<>();
      int n = r.nextInt(12);
      while (before.size() < n) {
        long u = 1 + r.nextInt(40);
        if (used.add(u)) {
          before.add(u);
        }
      }
      List<Long> after = new ArrayList<>();
      for (long u : before) {
        if (r.nextInt(3) > 0) {
          after.add(u);
        }
      }
      int added = r.nextInt(5);
      for (int i = 0; i < added; i++) {
        long u = 41 + r.nextInt(40);
        if (used.add(u)) {
          after.add(r.nextInt(after.size() + 1), u);
        }
      }
      String d = SearchContexts.difference(before, after, false, u -> u);
      assertThat(apply(before, d)).as(before + " -> " + after + ": " + d).isEqualTo(after);
    }
  }

  /** The client's side (RFC 5267 §4.3.3, §4.3.4): each pair in the order it appears. */
  private static List<Long> apply(List<Long> before, String data) {
    List<Long> list = new ArrayList<>(before);
    Matcher m = ITEM.matcher(data);
    while (m.find()) {
      String[] parts = m.group(2).split(" ");
      for (int i = 0; i < parts.length; i += 2) {
        int pos = Integer.parseInt(parts[i]);
        List<Long> set = expand(parts[i + 1]);
        if (m.group(1).equals("ADDTO")) {
          list.addAll(pos - 1, set);
        } else {
          assertThat(list.subList(pos - 1, pos - 1 + set.size())).isEqualTo(set);
          list.subList(pos - 1, pos - 1 + set.size()).clear();
        }
      }
    }
    return list;
  }

  private static List<Long> expand(String set) {
    List<Long> out = new ArrayList<>();
    for (String part : set.split(",")) {
      int colon = part.indexOf(':');
      long a = Long.parseLong(colon < 0 ? part : part.substring(0, colon));
      long b = colon < 0 ? a : Long.parseLong(part.substring(colon + 1));
      for (long x = Math.min(a, b); x <= Math.max(a, b); x++) {
        out.add(x);
      }
    }
    return out;
  }
}
