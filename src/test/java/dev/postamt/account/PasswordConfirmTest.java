package dev.postamt.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.directory.AccountSecurity;
import dev.postamt.directory.Directory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Asking for the password again: never an app password, and no guessing through a stolen session. */
class PasswordConfirmTest {
  @TempDir Path dir;

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    Instant now = Instant.parse("2026-05-01T10:00:00Z");

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
  void wrongPasswordsAreCountedAndAfterFiveEvenTheRightOneWaitsOutTheWindow() throws Exception {
    TestClock clock = new TestClock();
    InetAddress ip = InetAddress.getLoopbackAddress();
    try (Directory d = Directory.open(dir)) {
      d.addDomain("example.test");
      d.addUser("ann@example.test", "right one".toCharArray());
      AccountSecurity.NewAppPassword app = d.security().addAppPassword("ann@example.test", "phone");
      PasswordConfirm c = new PasswordConfirm(d, clock);
      assertThat(c.check("ann@example.test", "right one".toCharArray(), ip, false)).isEqualTo(PasswordConfirm.Result.OK);
      assertThat(c.check("ann@example.test", app.secret().toCharArray(), ip, false))
          .as("an app password is not the account password").isEqualTo(PasswordConfirm.Result.WRONG);
      for (int i = 1; i < PasswordConfirm.MAX_FAILURES; i++) {
        assertThat(c.check("ann@example.test", ("guess " + i).toCharArray(), ip, false)).isEqualTo(PasswordConfirm.Result.WRONG);
      }
      assertThat(c.check("ann@example.test", "right one".toCharArray(), ip, false)).isEqualTo(PasswordConfirm.Result.TOO_MANY);
      clock.now = clock.now.plus(PasswordConfirm.WINDOW).plusSeconds(1);
      assertThat(c.check("ann@example.test", "right one".toCharArray(), ip, false)).isEqualTo(PasswordConfirm.Result.OK);
    }
  }

  @Test
  void thePasswordGivenIsClearedAfterTheCheck() throws Exception {
    try (Directory d = Directory.open(dir)) {
      d.addDomain("example.test");
      d.addUser("ann@example.test", "right one".toCharArray());
      char[] pw = "right one".toCharArray();
      new PasswordConfirm(d, new TestClock()).check("ann@example.test", pw, null, false);
      assertThat(new String(pw)).isEqualTo("\0".repeat(9));
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''|Enter a new password",
      "short|needs at least 10",
      "aaaaaaaaaaaaaaa|too few different characters",
      "ann@example.test|may not be your address",
      "ANN@EXAMPLE.TEST|may not be your address"})
  void weakNewPasswordsAreRefusedWithTheReason(String password, String message) {
    assertThat(PasswordPage.problem(password, "ann@example.test")).contains(message);
  }

  @Test
  void aLongUnrelatedPasswordIsFine() {
    assertThat(PasswordPage.problem("correct horse battery staple", "ann@example.test")).isNull();
    assertThat(PasswordPage.problem("Grüße aus Köln!", "ann@example.test")).isNull();
  }
}
