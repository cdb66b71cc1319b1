package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Connection limits and the idle time-out. */
class SmtpLimitsTest {
  @RegisterExtension static final TestServer t = TestServer.create().toml("[limits]\nconnections_per_ip = 2\nidle_timeout = \"1s\"\n");

  @Test
  void connectionsPerClientAreLimited() throws Exception {
    try (SmtpScript a = SmtpScript.connect(t.port("submission"));
        SmtpScript b = SmtpScript.connect(t.port("submission"))) {
      a.expect("220 *");
      b.expect("220 *");
      try (SmtpScript c = SmtpScript.connect(t.port("submission"))) {
        c.expect("421 4.7.0 mx.example.test Error: too many connections from 127.0.0.1; try again later");
        assertThat(c.closedByServer()).isTrue();
      }
    }
  }

  @Test
  void failedLoginsAreCountedPerClientAcrossSessions(@TempDir Path own) throws Exception {
    try (TestServer t = TestServer.start(own, "[limits]\nauth_failures_per_ip = 2\n")) {
      failedLogins(t);
    }
  }

  private static void failedLogins(TestServer t) throws Exception {
    String bad = java.util.Base64.getEncoder().encodeToString("\0alice@example.test\0wrong".getBytes());
    for (int i = 0; i < 2; i++) {
      try (SmtpScript s = SmtpScript.connectTls(t.port("smtps"))) {
        s.expect("220 *");
        s.send("EHLO x").read();
        s.send("AUTH PLAIN " + bad).expect("535 5.7.8 *");
      }
    }
    try (SmtpScript s = SmtpScript.connectTls(t.port("smtps"))) {
      s.expect("220 *");
      s.send("EHLO x").read();
      s.send("AUTH PLAIN " + bad).expect("421 4.7.0 * too many failed logins from 127.0.0.1; try again later");
      assertThat(s.closedByServer()).isTrue();
    }
  }

  @Test
  void idleClientsAreDisconnected() throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO x").read();
      long start = System.nanoTime();
      s.expect("421 4.4.2 mx.example.test Error: timeout exceeded");
      assertThat(s.closedByServer()).isTrue();
      assertThat((System.nanoTime() - start) / 1_000_000).isBetween(500L, 10_000L);
    }
  }
}
