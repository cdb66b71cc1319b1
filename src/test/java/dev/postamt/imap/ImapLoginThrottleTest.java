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
}
