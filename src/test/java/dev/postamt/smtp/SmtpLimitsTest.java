package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connection limits and the idle time-out. */
class SmtpLimitsTest {
  @TempDir static Path dir;
  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.start(dir, "[limits]\nconnections_per_ip = 2\nidle_timeout = \"1s\"\n");
  }

  @AfterAll
  static void stop() {
    t.close();
  }

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
