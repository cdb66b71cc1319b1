package dev.postamt.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.store.MailboxLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 1939 §4 maildrop lock: one session per user; released on QUIT, disconnect and time-out. */
class Pop3LockTest {
  @TempDir Path dir;

  @Test
  void secondSessionGetsInUseUntilTheFirstQuits() throws Exception {
    try (Pop3TestServer s = Pop3TestServer.start(dir)) {
      try (Pop3Client first = s.login("alice"); Pop3Client second = Pop3Client.connectTls(s.tlsPort())) {
        second.expect("+OK*");
        second.send("USER alice").expect("+OK*");
        second.send("PASS secret").expect("-ERR [IN-USE] Mailbox is locked by another POP3 session");
        // still in AUTHORIZATION: another user is fine, and the same one may retry
        try (Pop3Client bob = s.login("bob")) {
          bob.send("QUIT").expect("+OK*");
        }
        first.send("QUIT").expect("+OK*");
        assertThat(first.closedByServer()).isTrue();
        second.send("AUTH PLAIN " + Pop3AuthTest.plain("", "alice", "secret")).expect("+OK Logged in*");
      }
    }
  }

  @Test
  void disconnectWithoutQuitReleasesTheLock() throws Exception {
    try (Pop3TestServer s = Pop3TestServer.start(dir)) {
      Pop3Client first = s.login("alice");
      first.close();
      awaitUnlocked(s, "alice@example.test");
      try (Pop3Client again = s.login("alice")) {
        again.send("QUIT").expect("+OK*");
      }
    }
  }

  @Test
  void idleTimeoutSaysWhyAndReleasesTheLock() throws Exception {
    try (Pop3TestServer s = Pop3TestServer.start(dir, Pop3TestServer.settings(false, Duration.ofSeconds(2)))) {
      try (Pop3Client c = s.login("alice")) {
        c.expect("-ERR Autologout; idle for too long");
        assertThat(c.closedByServer()).isTrue();
      }
      awaitUnlocked(s, "alice@example.test");
    }
  }

  @Test
  void productionIdleTimerIsNeverUnderTenMinutes() {
    assertThat(Pop3Settings.fromLimits("h", Duration.ofMinutes(5), 20, 5).idleTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(Pop3Settings.fromLimits("h", Duration.ofMinutes(30), 20, 5).idleTimeout()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void aLockWhoseThreadDiedIsFree() throws Exception {
    Path home = dir.resolve("home");
    Thread t = Thread.ofVirtual().start(() -> MaildropLock.tryLock(home));
    t.join();
    assertThat(MaildropLock.isLocked(home)).isFalse();
    assertThat(MaildropLock.tryLock(home)).isTrue();
    assertThat(Thread.ofVirtual().start(() -> assertThat(MaildropLock.tryLock(home)).isFalse())).isNotNull();
    MaildropLock.unlock(home);
    assertThat(MaildropLock.isLocked(home)).isFalse();
  }

  static void awaitUnlocked(Pop3TestServer s, String user) throws InterruptedException {
    Path home = MailboxLayout.home(s.dataDir, user);
    Instant end = Instant.now().plusSeconds(10);
    while (MaildropLock.isLocked(home) && Instant.now().isBefore(end)) {
      Thread.sleep(10);
    }
    assertThat(MaildropLock.isLocked(home)).as("lock released").isFalse();
  }
}
