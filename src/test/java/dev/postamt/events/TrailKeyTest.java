package dev.postamt.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link TrailKey#newSession}: "S" and 12 characters of Crockford's base 32, every position random. */
class TrailKeyTest {
  @Test
  void sessionIdsAreTwelveRandomBase32Characters() {
    Set<String> ids = new HashSet<>();
    @SuppressWarnings("unchecked")
    Set<Character>[] seen = new Set[12];
    for (int i = 0; i < seen.length; i++) {
      seen[i] = new HashSet<>();
    }
    for (int n = 0; n < 2000; n++) {
      String id = TrailKey.newSession();
      assertThat(id).matches("S[0-9ABCDEFGHJKMNPQRSTVWXYZ]{12}");
      ids.add(id);
      for (int i = 0; i < 12; i++) {
        seen[i].add(id.charAt(i + 1));
      }
    }
    assertThat(ids).hasSize(2000);
    for (int i = 0; i < 12; i++) {
      assertThat(seen[i]).as("characters seen at position %d", i).hasSize(32);
    }
  }
}
