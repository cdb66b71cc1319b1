package dev.postamt.managesieve;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.postamt.net.AuthThrottle;
import dev.postamt.net.Listener;
import dev.postamt.sieve.store.SqliteSieveScripts;
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
 * Whole ManageSieve sessions over a loopback socket on fuzzer-chosen bytes around a large filler ({@link
 * SessionFuzz}): the session must end, and what its thread allocates must stay under a multiple of the
 * bytes the fuzzer chose plus a constant (which covers one script literal at the 1 MiB limit), whatever
 * the filler's size: no request line, quoted string or over-limit literal is held whole. Logins succeed
 * for {@code alice}/{@code secret} without TLS, so seeds reach the script commands. Seeds in {@code
 * ManageSieveSessionFuzzTestInputs}.
 */
class ManageSieveSessionFuzzTest {
  static final long MAX_FILLER = 32L << 20;
  static final long CONSTANT = 24L << 20;
  @TempDir static Path dir;
  static SqliteSieveScripts scripts;
  static SessionFuzz.Measuring measured;
  static Listener listener;

  @BeforeAll
  static void start() throws Exception {
    scripts = SqliteSieveScripts.open(dir);
    ManageSieveSettings settings = new ManageSieveSettings("fuzz", 8192, 8192, Duration.ofSeconds(30),
        Duration.ofSeconds(30), 20, 3, Duration.ZERO, true, true);
    ManageSieveServer server = new ManageSieveServer(scripts,
        (u, p) -> u.equals("alice") && new String(p).equals("secret") ? Optional.of("alice@example.test") : Optional.empty(),
        settings, new AuthThrottle(1000, Duration.ofMinutes(15), Clock.systemUTC(), d -> {}));
    measured = new SessionFuzz.Measuring(server);
    listener = Listener.open("managesieve", new InetSocketAddress("127.0.0.1", 0), null, false, Duration.ofSeconds(30),
        10, measured);
  }

  @AfterAll
  static void stop() {
    listener.close();
    scripts.close();
  }

  @FuzzTest(maxDuration = "60s")
  void sessionStaysSmall(byte[] data) throws Exception {
    SessionFuzz.Input input = SessionFuzz.Input.parse(data, MAX_FILLER);
    String answers = SessionFuzz.converse(listener.localAddress().getPort(), input);
    long used = measured.next(Duration.ofSeconds(60));
    assertThat(answers).as(input.toString()).startsWith("\"IMPLEMENTATION\" \"Postamt\"");
    assertThat(used).as("bytes allocated for %s", input).isLessThan(512 * input.chosen() + CONSTANT);
  }
}
