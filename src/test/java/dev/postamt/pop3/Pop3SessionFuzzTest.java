package dev.postamt.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.postamt.net.AuthThrottle;
import dev.postamt.net.Listener;
import dev.postamt.store.MailStore;
import dev.postamt.testing.SessionFuzz;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole POP3 sessions over a loopback socket on fuzzer-chosen bytes around a large filler ({@link
 * SessionFuzz}): the session must end, and what its thread allocates must stay under a multiple of the
 * bytes the fuzzer chose plus a constant, whatever the filler's size (up to 32 MiB): no command line
 * or AUTH response is held whole. Logins succeed for {@code alice}/{@code secret}, so seeds reach the
 * transaction state too. Seeds in {@code Pop3SessionFuzzTestInputs}.
 */
class Pop3SessionFuzzTest {
  static final long MAX_FILLER = 32L << 20;
  static final long CONSTANT = 16L << 20;
  @TempDir static Path dir;
  static MailStore store;
  static SessionFuzz.Measuring measured;
  static Listener listener;

  @BeforeAll
  static void start() throws Exception {
    store = new dev.postamt.store.SqliteMailStore(dir);
    Pop3Settings settings = new Pop3Settings("fuzz", 8192, Duration.ofSeconds(30), 20, 3, Duration.ZERO, true);
    Pop3Server pop3 = new Pop3Server(store,
        (u, p) -> u.equals("alice") && new String(p).equals("secret") ? Optional.of("alice@example.test") : Optional.empty(),
        settings, new AuthThrottle(1000, Duration.ofMinutes(15), Clock.systemUTC(), d -> {}));
    measured = new SessionFuzz.Measuring(pop3);
    listener = Listener.open("pop3", new InetSocketAddress("127.0.0.1", 0), null, false, Duration.ofSeconds(30), 10,
        measured);
  }

  @AfterAll
  static void stop() throws Exception {
    listener.close();
    store.close();
  }

  @FuzzTest(maxDuration = "60s")
  void sessionStaysSmall(byte[] data) throws Exception {
    SessionFuzz.Input input = SessionFuzz.Input.parse(data, MAX_FILLER);
    String answers = SessionFuzz.converse(listener.localAddress().getPort(), input);
    long used = measured.next(Duration.ofSeconds(60));
    assertThat(answers).as(input.toString()).startsWith("+OK ");
    assertThat(used).as("bytes allocated for %s", input).isLessThan(512 * input.chosen() + CONSTANT);
  }
}
