package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code limits.auth_failures_per_ip} covers IMAP too, and is shared with SMTP AUTH: once an address
 * has failed that often, even the right password is refused, with {@code NO [UNAVAILABLE]}, and the
 * connection ends.
 */
class ImapLoginThrottleTest {
  @TempDir Path dir;

  @Test
  void failuresFromOneAddressAreCountedAcrossSessionsAndProtocols() throws Exception {
    try (TestServer t = TestServer.start(dir, "[limits]\nauth_failures_per_ip = 3\nauth_failures = 10\n")) {
      int port = t.port("imap");
      try (ImapClient c = new ImapClient("127.0.0.1", port)) {
        c.greeting();
        c.run("a LOGIN alice@example.test wrong", "a NO [AUTHENTICATIONFAILED] *");
        c.run("b LOGIN alice@example.test secret", "b OK *"); // below the limit a good login works
      }
      try (ImapClient c = new ImapClient("127.0.0.1", port)) {
        c.greeting();
        c.run("a AUTHENTICATE PLAIN " + java.util.Base64.getEncoder().encodeToString("\0bob@example.test\0nope".getBytes()),
            "a NO [AUTHENTICATIONFAILED] *");
      }
      // a third failure through SMTP AUTH on the same address
      try (SmtpScript s = SmtpScript.connectTls(t.port("smtps"))) {
        s.expect("220 *");
        s.send("EHLO x").read();
        s.send("AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString("\0alice@example.test\0bad".getBytes()))
            .expect("535 5.7.8 *");
      }
      try (ImapClient c = new ImapClient("127.0.0.1", port)) {
        c.greeting();
        List<String> lines = c.run("a LOGIN alice@example.test secret", "a NO [UNAVAILABLE] Too many failed logins*");
        assertThat(lines).noneMatch(l -> l.startsWith("a OK"));
        assertThat(c.line()).isNull(); // the server ended the connection
      }
    }
  }

  @Test
  void failedLoginsAndAuthenticateCountAgainstTheAccountAndWaitOutItsPenalty() throws Exception {
    List<java.time.Duration> waits = new java.util.ArrayList<>();
    var throttle = new dev.postamt.net.AuthThrottle(100, java.time.Duration.ofMinutes(15), java.time.Clock.systemUTC(),
        waits::add);
    String plain = java.util.Base64.getEncoder().encodeToString("\0alice@example.test\0nope".getBytes());
    String input = "a LOGIN alice@example.test wrong\r\nb AUTHENTICATE PLAIN " + plain + "\r\nc LOGOUT\r\n";
    try (dev.postamt.store.MailStore store = new dev.postamt.store.SqliteMailStore(dir)) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      ImapSettings settings = new ImapSettings("h", 8192, 1 << 20, java.time.Duration.ofMinutes(30),
          java.time.Duration.ofMinutes(1), 10, true, false, java.time.Duration.ZERO, 10);
      new ImapSession(ImapSessionFuzzTest.transport(new java.io.ByteArrayInputStream(input.getBytes()), out), settings, store,
          (u, p) -> java.util.Optional.empty(), throttle).run();
      assertThat(out.toString()).contains("a NO [AUTHENTICATIONFAILED]", "b NO [AUTHENTICATIONFAILED]");
    }
    assertThat(throttle.accountFailures("alice@example.test")).isEqualTo(2);
    assertThat(waits).extracting(java.time.Duration::toMillis).containsExactly(250L, 500L);
  }
}
