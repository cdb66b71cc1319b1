package dev.postamt.filter.lists;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.filter.lists.SpamListStore.Entry;
import dev.postamt.filter.lists.SpamListStore.Kind;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link SpamListStore} backend must do; a backend's test implements {@link #store}. */
interface SpamListStoreContract {
  /** A new, empty store (closed by the test). */
  SpamListStore store() throws Exception;

  @Test
  default void entriesAreGlobalOrPerUser() throws Exception {
    try (SpamListStore s = store()) {
      Entry global = new Entry("", Kind.BLACKLIST_FROM, "*@spam.example");
      Entry bobs = new Entry("bob@example.net", Kind.WHITELIST_FROM, "*@friends.example");
      Entry carols = new Entry("carol@example.net", Kind.MORE_SPAM_TO, "carol@example.net");
      assertThat(s.add(global)).isTrue();
      assertThat(s.add(bobs)).isTrue();
      assertThat(s.add(carols)).isTrue();
      assertThat(s.entries(null)).containsExactly(global);
      assertThat(s.entries("bob@example.net")).containsExactlyInAnyOrder(global, bobs);
      assertThat(s.entries("carol@example.net")).containsExactlyInAnyOrder(global, carols);
    }
  }

  @Test
  default void addingTwiceKeepsOneAndRemovingSaysWhetherThereWasOne() throws Exception {
    try (SpamListStore s = store()) {
      Entry e = new Entry("", Kind.WHITELIST_TO, "*@example.net");
      assertThat(s.add(e)).isTrue();
      assertThat(s.add(e)).isFalse();
      assertThat(s.entries(null)).containsExactly(e);
      assertThat(s.remove(new Entry("", Kind.WHITELIST_FROM, "*@example.net"))).isFalse();
      assertThat(s.remove(e)).isTrue();
      assertThat(s.remove(e)).isFalse();
      assertThat(s.entries(null)).isEmpty();
    }
  }

  @Test
  default void rememberedRecipientsArePerUser() throws Exception {
    try (SpamListStore s = store()) {
      Instant t = Instant.parse("2024-12-03T10:00:00Z");
      s.remember("bob@example.net", List.of("alice@example.org", "dave@example.com"), t);
      s.remember("bob@example.net", List.of("alice@example.org"), t.plusSeconds(60));
      assertThat(s.remembered("bob@example.net", "alice@example.org")).isTrue();
      assertThat(s.remembered("carol@example.net", "alice@example.org")).isFalse();
      assertThat(s.remembered("bob@example.net", "eve@example.org")).isFalse();
      assertThat(s.rememberedCount("bob@example.net")).isEqualTo(2);
      assertThat(s.rememberedCount("carol@example.net")).isZero();
    }
  }
}
