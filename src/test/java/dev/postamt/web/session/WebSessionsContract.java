package dev.postamt.web.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * What every {@link WebSessions} backend must do; a backend's test gives a fresh, empty store that reads
 * time from the given clock, with 1 h idle and 1 day maximum age.
 */
interface WebSessionsContract {
  Duration IDLE = Duration.ofHours(1);
  Duration MAX_AGE = Duration.ofDays(1);

  WebSessions fresh(Clock clock) throws IOException;

  /** A clock the test moves. */
  final class Moving extends Clock {
    Instant now = Instant.parse("2026-12-05T10:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  default void aCreatedSessionIsFoundByItsIdAndCarriesItsCsrfToken() throws IOException {
    Moving clock = new Moving();
    try (WebSessions s = fresh(clock)) {
      WebSessions.Session made = s.create("alice@example.org");
      WebSessions.Session found = s.find(made.id()).orElseThrow();
      assertThat(found.address()).isEqualTo("alice@example.org");
      assertThat(found.csrf()).isEqualTo(made.csrf()).hasSizeGreaterThan(20);
      assertThat(found.expires()).isEqualTo(clock.now.plus(MAX_AGE));
      assertThat(s.find("not-an-id")).isEmpty();
      assertThat(s.find(made.id() + "x")).isEmpty();
    }
  }

  @Test
  default void aSessionEndsAfterIdleTimeButUseKeepsItAliveUntilItsMaximumAge() throws IOException {
    Moving clock = new Moving();
    try (WebSessions s = fresh(clock)) {
      WebSessions.Session a = s.create("alice@example.org");
      WebSessions.Session b = s.create("bob@example.org");
      for (int i = 0; i < 30; i++) { // 30 × 50 min: used within the idle time, but past the 1-day maximum
        clock.now = clock.now.plus(Duration.ofMinutes(50));
        boolean alive = s.find(a.id()).isPresent();
        assertThat(alive).as("after %d min", (i + 1) * 50).isEqualTo((i + 1) * 50 < 24 * 60);
      }
      assertThat(s.find(b.id())).as("unused for longer than the idle time").isEmpty();
    }
  }

  @Test
  default void loggingOutEndsOneSessionAndDeleteOthersKeepsTheCurrentOne() throws IOException {
    try (WebSessions s = fresh(new Moving())) {
      WebSessions.Session one = s.create("alice@example.org");
      WebSessions.Session two = s.create("alice@example.org");
      WebSessions.Session three = s.create("alice@example.org");
      WebSessions.Session bob = s.create("bob@example.org");
      s.delete(one.id());
      assertThat(s.find(one.id())).isEmpty();
      assertThat(s.sessions("alice@example.org")).hasSize(2);
      assertThat(s.deleteOthers("alice@example.org", two.id())).isEqualTo(1);
      assertThat(s.find(two.id())).isPresent();
      assertThat(s.find(three.id())).isEmpty();
      assertThat(s.deleteAll("alice@example.org")).isEqualTo(1);
      assertThat(s.find(bob.id())).isPresent();
    }
  }

  @Test
  default void tokensNameTheirOwnerUntilRevokedOrExpired() throws IOException {
    Moving clock = new Moving();
    try (WebSessions s = fresh(clock)) {
      WebSessions.NewToken forever = s.createToken("alice@example.org", "laptop", null);
      clock.now = clock.now.plusSeconds(1);
      WebSessions.NewToken brief = s.createToken("alice@example.org", "script", clock.now.plusSeconds(60));
      assertThat(forever.secret()).startsWith("pat_");
      assertThat(s.tokenOwner(forever.secret())).contains("alice@example.org");
      assertThat(s.tokenOwner(brief.secret())).contains("alice@example.org");
      assertThat(s.tokens("alice@example.org")).extracting(WebSessions.Token::name).containsExactly("laptop", "script");
      assertThat(s.tokens("alice@example.org").getFirst().lastUsed()).isEqualTo(clock.now);
      clock.now = clock.now.plusSeconds(61);
      assertThat(s.tokenOwner(brief.secret())).isEmpty();
      assertThat(s.revokeToken("bob@example.org", forever.token().id())).as("not bob's").isFalse();
      assertThat(s.revokeToken("alice@example.org", forever.token().id())).isTrue();
      assertThat(s.tokenOwner(forever.secret())).isEmpty();
      assertThat(s.tokenOwner("pat_guess")).isEmpty();
      assertThat(s.tokenOwner("no-prefix")).isEmpty();
    }
  }

  @Test
  default void aTokenNeedsAPrintableNameAndOneUserHoldsAtMostFifty() throws IOException {
    try (WebSessions s = fresh(new Moving())) {
      assertThatThrownBy(() -> s.createToken("alice@example.org", " ", null)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> s.createToken("alice@example.org", "a\nb", null)).isInstanceOf(IllegalArgumentException.class);
      for (int i = 0; i < SqlWebSessions.MAX_TOKENS; i++) {
        s.createToken("alice@example.org", "t" + i, null);
      }
      assertThatThrownBy(() -> s.createToken("alice@example.org", "one more", null))
          .isInstanceOf(IOException.class).hasMessageContaining("revoke one first");
    }
  }
}
