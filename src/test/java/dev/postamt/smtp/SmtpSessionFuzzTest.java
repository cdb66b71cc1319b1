package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.postamt.net.Listener;
import dev.postamt.routing.Router;
import dev.postamt.testing.SessionFuzz;
import dev.postamt.testing.TestServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole SMTP sessions (MX, no authentication) over a loopback socket on fuzzer-chosen bytes around a
 * large filler ({@link SessionFuzz}): the session must end, and what its thread allocates must stay
 * under a multiple of the bytes the fuzzer chose plus a constant, whatever the filler's size (up to 16
 * MiB): command lines, message data and BDAT chunks are never held whole in memory. Seeds in {@code
 * SmtpSessionFuzzTestInputs}.
 */
class SmtpSessionFuzzTest {
  static final long MAX_FILLER = 16L << 20;
  static final long CONSTANT = 16L << 20;
  @TempDir static Path dir;
  static TestServer t;
  static SessionFuzz.Measuring measured;
  static Listener listener;

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.start(dir, "[relay]\nnetworks = []\n[limits]\nmessage_size = \"1M\"\nidle_timeout = \"30s\"\n");
    SmtpServer mx = new SmtpServer(t.config, SmtpServer.Mode.MX, t.server.directory(),
        new Router(t.server.directory(), t.config), t.server.spool(), t.server.queue(), InboundCheck.NONE,
        t.server.authThrottle(), t.server.store());
    measured = new SessionFuzz.Measuring(mx);
    listener = Listener.open("smtp", new InetSocketAddress("127.0.0.1", 0), null, false, Duration.ofSeconds(30), 10,
        measured);
  }

  @AfterAll
  static void stop() {
    listener.close();
    t.close();
  }

  @FuzzTest(maxDuration = "60s")
  void sessionStaysSmall(byte[] data) throws Exception {
    SessionFuzz.Input input = SessionFuzz.Input.parse(data, MAX_FILLER);
    String answers = SessionFuzz.converse(listener.localAddress().getPort(), input);
    long used = measured.next(Duration.ofSeconds(60));
    assertThat(answers).as(input.toString()).startsWith("220 ");
    assertThat(used).as("bytes allocated for %s", input).isLessThan(512 * input.chosen() + CONSTANT);
  }
}
