package dev.postamt.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start order of issue 27: the listeners open while the content scan is still being built on a
 * thread of its own; a message sent the moment {@link Server#start} returns is judged by the whole rule
 * set (the operator's rules included); a rule file that is not there still stops the start.
 */
class BackgroundStartTest {
  @TempDir Path dir;

  @org.junit.jupiter.api.BeforeEach
  void senderDomain() throws java.io.IOException {
    Files.writeString(dir.resolve("zone.txt"), "remote.example. MX 10 nohost.remote.example.\n");
  }

  static final String PROBE_RULES = """
      header STARTUP_PROBE Subject =~ /startup-probe/
      describe STARTUP_PROBE a rule of the operator's own file
      score STARTUP_PROBE 0.3
      """;

  /** Sends one message to bob with {@code subject}; returns the reply to the data. */
  static String send(TestServer t, String subject) throws Exception {
    return send(t.port("smtp"), subject);
  }

  static String send(int port, String subject) throws Exception {
    try (SmtpScript s = SmtpScript.connect(port)) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("From: <sender@remote.example>\r\nSubject: " + subject + "\r\n\r\nhello\r\n.\r\n");
      return s.read().getLast();
    }
  }

  @Test
  void aMessageAtOnceAfterTheStartIsJudgedByTheWholeRuleSet() throws Exception {
    Files.writeString(dir.resolve("probe.cf"), PROBE_RULES);
    try (TestServer t = TestServer.startAtOnce(dir, "[relay]\nnetworks = []\n[spam]\nrules = [\"probe.cf\"]\n")) {
      assertThat(send(t, "startup-probe one")).startsWith("250 2.0.0 ");
      assertThat(t.awaitMessageContaining("bob@example.test", "Subject: startup-probe one"))
          .contains("STARTUP_PROBE=0.3");
    }
  }

  /**
   * A rule file that is not there stops the start with one line naming it, as before the scan was built in
   * the background (a build that fails later defers mail instead: {@code SmtpSpamStartingTest}).
   */
  @Test
  void aMissingRuleFileStopsTheStartWithOneLineNamingIt() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TestServer.start(dir, "[relay]\nnetworks = []\n[spam]\nrules = [\"missing.cf\"]\n").close())
        .hasMessageContaining("missing.cf").hasMessageContaining("no such file");
  }

  @Test
  void aServerClosedWhileItsScanIsStillBuildingStopsCleanlyAndStartsAgain() throws Exception {
    TestServer t = TestServer.startAtOnce(dir, "[relay]\nnetworks = []\n");
    t.close(); // at once: close waits for the background start before it closes the spam databases
    Server again = Server.start(t.config); // the same data directory: its lock was let go
    try {
      assertThat(send(again.address("smtp").orElseThrow().getPort(), "after a quick restart")).startsWith("250 2.0.0 ");
    } finally {
      again.close();
    }
  }

}
