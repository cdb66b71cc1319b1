package dev.postamt.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start order of issue 27: the listeners open while the content scan is still being built on a
 * thread of its own; a message sent the moment {@link Server#start} returns is judged by the whole rule
 * set (the operator's rules included), and a rule set that cannot be loaded defers mail instead of
 * stopping the server or letting mail through unscanned.
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
    try (TestServer t = TestServer.start(dir, "[relay]\nnetworks = []\n[spam]\nrules = [\"probe.cf\"]\n")) {
      assertThat(send(t, "startup-probe one")).startsWith("250 2.0.0 ");
      assertThat(t.awaitMessageContaining("bob@example.test", "Subject: startup-probe one"))
          .contains("STARTUP_PROBE=0.3");
    }
  }

  @Test
  void rulesThatCannotBeLoadedDeferMailAndTheServerRunsOn() throws Exception {
    try (TestServer t = TestServer.start(dir, "[relay]\nnetworks = []\n[spam]\nrules = [\"missing.cf\"]\n")) {
      assertThat(send(t, "no-rules one")).startsWith("451 4.7.1 ");
      assertThat(send(t, "no-rules two")).as("still deferred, still answering").startsWith("451 4.7.1 ");
      for (Path kept : new Path[] {t.config.dataDir().resolve("queue"), t.maildir("bob@example.test")}) {
        if (Files.exists(kept)) {
          try (Stream<Path> files = Files.walk(kept)) {
            assertThat(files.filter(Files::isRegularFile).filter(f -> contains(f, "no-rules"))).isEmpty();
          }
        }
      }
      // the repair: the rules file appears and a reload builds the scanner anew
      Files.writeString(dir.resolve("missing.cf"), PROBE_RULES);
      assertThat(t.server.reload()).noneMatch(l -> l.contains("error"));
      assertThat(send(t, "startup-probe after the reload")).startsWith("250 2.0.0 ");
      assertThat(t.awaitMessageContaining("bob@example.test", "Subject: startup-probe after the reload"))
          .contains("STARTUP_PROBE=0.3");
    }
  }

  @Test
  void aServerClosedWhileItsScanIsStillBuildingStopsCleanlyAndStartsAgain() throws Exception {
    TestServer t = TestServer.start(dir, "[relay]\nnetworks = []\n");
    t.close(); // at once: close waits for the background start before it closes the spam databases
    Server again = Server.start(t.config); // the same data directory: its lock was let go
    try {
      assertThat(send(again.address("smtp").orElseThrow().getPort(), "after a quick restart")).startsWith("250 2.0.0 ");
    } finally {
      again.close();
    }
  }

  private static boolean contains(Path f, String text) {
    try {
      return Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1).contains(text);
    } catch (java.io.IOException e) {
      return false; // gone meanwhile, or not readable as text: not a spooled message
    }
  }
}
