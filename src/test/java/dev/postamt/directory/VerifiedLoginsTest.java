package dev.postamt.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache of verified logins matches only the same password against the same stored hash. */
class VerifiedLoginsTest {
  @TempDir Path data;

  @Test
  void matchesOnlyTheSamePasswordAndHashWithinTheTtl() {
    VerifiedLogins c = new VerifiedLogins(Duration.ofHours(1), 10);
    assertThat(c.matches("a@b.test", "$argon2id$h1", "pw".toCharArray())).isFalse();
    c.remember("a@b.test", "$argon2id$h1", "pw".toCharArray());
    assertThat(c.matches("a@b.test", "$argon2id$h1", "pw".toCharArray())).isTrue();
    assertThat(c.matches("a@b.test", "$argon2id$h1", "pW".toCharArray())).isFalse();
    assertThat(c.matches("a@b.test", "$argon2id$h2", "pw".toCharArray())).isFalse(); // password changed
    assertThat(c.matches("x@b.test", "$argon2id$h1", "pw".toCharArray())).isFalse();
  }

  @Test
  void expiresAndIsBounded() {
    VerifiedLogins expired = new VerifiedLogins(Duration.ofNanos(1), 10);
    expired.remember("a@b.test", "h", "pw".toCharArray());
    assertThat(expired.matches("a@b.test", "h", "pw".toCharArray())).isFalse();

    VerifiedLogins small = new VerifiedLogins(Duration.ofHours(1), 2);
    small.remember("1@b.test", "h", "pw".toCharArray());
    small.remember("2@b.test", "h", "pw".toCharArray());
    small.remember("3@b.test", "h", "pw".toCharArray());
    assertThat(small.matches("1@b.test", "h", "pw".toCharArray())).isFalse();
    assertThat(small.matches("3@b.test", "h", "pw".toCharArray())).isTrue();
    assertThat(VerifiedLogins.OFF.matches("3@b.test", "h", "pw".toCharArray())).isFalse();
  }

  @Test
  void aPasswordChangedByAnotherProcessIsHonouredAtOnce() throws Exception {
    try (Directory server = Directory.open(data)) {
      server.cacheVerifiedLogins(Duration.ofHours(1));
      server.addDomain("b.test");
      server.addUser("a@b.test", "old".toCharArray());
      assertThat(server.authenticate("A@b.test", "old".toCharArray())).contains("a@b.test");
      assertThat(server.authenticate("a@b.test", "old".toCharArray())).contains("a@b.test"); // from the cache
      assertThat(server.authenticate("a@b.test", "wrong".toCharArray())).isEmpty();
      try (Directory cli = Directory.open(data)) { // like `postamt user passwd` while the server runs
        cli.setPassword("a@b.test", "new".toCharArray());
      }
      assertThat(server.authenticate("a@b.test", "old".toCharArray())).isEmpty();
      assertThat(server.authenticate("a@b.test", "new".toCharArray())).contains("a@b.test");
    }
  }
}
