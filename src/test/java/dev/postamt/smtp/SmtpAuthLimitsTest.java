package dev.postamt.smtp;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An AUTH response line is bounded by {@link Sasl#MAX_RESPONSE} (12 KiB, RFC 4954 §4), whatever
 * {@code limits.line_length} allows for commands: nothing unauthenticated is buffered beyond it. A
 * failed AUTH counts against the account named, not only the client address.
 */
class SmtpAuthLimitsTest {
  @Test
  void aResponseLineOverTwelveKibIsRefusedEvenWithLongCommandLines(@TempDir Path dir) throws Exception {
    try (TestServer t = TestServer.start(dir, "[limits]\nline_length = 65536\n");
        SmtpScript s = SmtpScript.connectTls(t.port("smtps"))) {
      s.expect("220 *");
      s.send("EHLO x").read();
      s.send("AUTH PLAIN").expect("334 *");
      s.send("A".repeat(Sasl.MAX_RESPONSE + 4)).expect("500 5.5.6 Authentication exchange line is too long");
      s.send("NOOP").expect("250 *");
    }
  }

  @Test
  void aResponseLineUpToTwelveKibIsReadEvenWithShortCommandLines(@TempDir Path dir) throws Exception {
    try (TestServer t = TestServer.start(dir, "");
        SmtpScript s = SmtpScript.connectTls(t.port("smtps"))) {
      s.expect("220 *");
      s.send("EHLO x").read();
      s.send("AUTH PLAIN").expect("334 *");
      // longer than line_length (4096) but a valid size for SASL: decoded, and refused as PLAIN
      s.send("A".repeat(8000)).expect("501 5.5.2 *");
    }
  }

  @Test
  void aFailedAuthCountsAgainstTheAccount(@TempDir Path dir) throws Exception {
    try (TestServer t = TestServer.start(dir, "");
        SmtpScript s = SmtpScript.connectTls(t.port("smtps"))) {
      s.expect("220 *");
      s.send("EHLO x").read();
      String bad = java.util.Base64.getEncoder().encodeToString("\0Alice@example.test\0wrong".getBytes());
      s.send("AUTH PLAIN " + bad).expect("535 5.7.8 *");
      s.send("AUTH LOGIN").expect("334 *");
      s.send(java.util.Base64.getEncoder().encodeToString("alice@example.test".getBytes())).expect("334 *");
      s.send(java.util.Base64.getEncoder().encodeToString("wrong".getBytes())).expect("535 5.7.8 *");
      org.assertj.core.api.Assertions.assertThat(t.server.authThrottle().accountFailures("alice@example.test"))
          .isEqualTo(2);
    }
  }
}
