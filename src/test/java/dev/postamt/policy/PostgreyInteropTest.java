package dev.postamt.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's postgrey (installed by {@code .ci/run}; skipped when absent) as the MX port's {@code
 * check_policy_service}: the first attempt is greylisted with postgrey's text, a retry after its
 * one-second delay is accepted and carries postgrey's {@code X-Greylist} header. Postgrey runs on an
 * ephemeral port with its database in a temp directory, as the current user.
 */
class PostgreyInteropTest {
  static final Path POSTGREY = Path.of("/usr/sbin/postgrey");
  @TempDir static Path dir;
  static Process postgrey;
  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(POSTGREY), "postgrey is not installed (apt-get install postgrey); skipped");
    Path db = Files.createDirectories(dir.resolve("postgrey"));
    Path none = Files.writeString(dir.resolve("empty-whitelist"), "");
    String group = Files.readAttributes(db, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
    int port = dev.postamt.testing.Ports.free();
    postgrey = new ProcessBuilder(POSTGREY.toString(), "--inet=127.0.0.1:" + port, "--dbdir=" + db, "--delay=1",
        "--user=" + System.getProperty("user.name"), "--group=" + group, "--pidfile=" + dir.resolve("postgrey.pid"),
        "--whitelist-clients=" + none, "--whitelist-recipients=" + none, "--hostname=mx.example.test")
        .redirectErrorStream(true).redirectOutput(dir.resolve("postgrey.log").toFile()).start();
    awaitListening(port);
    Path home = Files.createDirectories(dir.resolve("server"));
    Files.writeString(home.resolve("zone.txt"), "example.org. A 192.0.2.25\n");
    t = TestServer.start(home, """
        [relay]
        networks = []
        [policy]
        recipient = ["reject_unauth_destination", "reject_unlisted_recipient", "check_policy_service inet:127.0.0.1:%d"]
        """.formatted(port));
  }

  private static void awaitListening(int port) throws Exception {
    Instant end = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException e) {
        if (!postgrey.isAlive() || Instant.now().isAfter(end)) {
          throw new AssertionError("postgrey did not start: " + Files.readString(dir.resolve("postgrey.log")));
        }
        Thread.sleep(50);
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (t != null) {
      t.close();
    }
    if (postgrey != null) {
      postgrey.destroy();
      postgrey.waitFor();
    }
  }

  /** One attempt: the RCPT reply, and when accepted the message is sent. */
  private static String attempt(String subject) throws Exception {
    try (SmtpScript s = t.smtp("smtp")) {
      s.send("EHLO client.example").expect("250 *");
      s.send("MAIL FROM:<news@example.org>").expect("250 *");
      List<String> reply = s.send("RCPT TO:<bob@example.test>").read();
      if (reply.getLast().startsWith("250")) {
        s.send("DATA").expect("354 *");
        s.raw("Subject: " + subject + "\r\n\r\nhello\r\n.\r\n").expect("250 2.0.0 Ok: queued as *");
      }
      s.send("QUIT");
      return reply.getLast();
    }
  }

  @Test
  void aFirstAttemptIsGreylistedAndARetryAfterTheDelayGetsThrough() throws Exception {
    assertThat(attempt("greylisted")).startsWith("450 4.7.1 <bob@example.test>: Recipient address rejected: Greylisted");
    Instant end = Instant.now().plus(Duration.ofSeconds(20));
    String reply;
    do {
      Thread.sleep(200); // postgrey's delay is one second; poll until it lets the triplet pass
      reply = attempt("after the delay");
    } while (!reply.startsWith("250") && Instant.now().isBefore(end));
    assertThat(reply).startsWith("250");
    assertThat(t.awaitMessageContaining("bob@example.test", "Subject: after the delay")).contains("X-Greylist: delayed ");
  }
}
