package dev.postamt.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link TrailKey#newSession}: "S", 7 characters of Crockford's base 32 for the second, 7 random ones;
 * ids made later sort after earlier ones.
 */
class TrailKeyTest {
  private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  @Test
  void sessionIdsAreTheSecondThenSevenRandomBase32Characters() {
    Set<String> ids = new HashSet<>();
    @SuppressWarnings("unchecked")
    Set<Character>[] seen = new Set[7];
    for (int i = 0; i < seen.length; i++) {
      seen[i] = new HashSet<>();
    }
    long before = System.currentTimeMillis() / 1000;
    for (int n = 0; n < 2000; n++) {
      String id = TrailKey.newSession();
      assertThat(id).matches("S[0-9ABCDEFGHJKMNPQRSTVWXYZ]{14}");
      ids.add(id);
      for (int i = 0; i < 7; i++) {
        seen[i].add(id.charAt(8 + i));
      }
    }
    long after = System.currentTimeMillis() / 1000;
    assertThat(ids).hasSize(2000);
    for (int i = 0; i < 7; i++) {
      assertThat(seen[i]).as("characters seen at random position %d", i).hasSize(32);
    }
    long second = decode(TrailKey.newSession().substring(1, 8));
    assertThat(second).isBetween(before, after + 1);
  }

  @Test
  void idsOfLaterSecondsSortAfterEarlierOnes() throws Exception {
    List<String> made = new ArrayList<>();
    long start = System.currentTimeMillis() / 1000;
    made.add(TrailKey.newSession());
    while (System.currentTimeMillis() / 1000 == start) {
      Thread.sleep(20); // into the next second
    }
    for (int i = 0; i < 50; i++) {
      made.add(TrailKey.newSession());
    }
    for (String later : made.subList(1, made.size())) {
      assertThat(later).isGreaterThan(made.getFirst());
    }
  }

  private static long decode(String base32) {
    long v = 0;
    for (char ch : base32.toCharArray()) {
      v = v << 5 | ALPHABET.indexOf(ch);
    }
    return v;
  }
}
