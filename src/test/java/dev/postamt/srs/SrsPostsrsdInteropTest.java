package dev.postamt.srs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our SRS against the real Postsrsd (Debian's {@code postsrsd} 1.x, whose Postfix tcp_table answers
 * forward and reverse lookups) with a shared secret, in both directions: what one makes the other
 * reverses, and both make the same address. Skipped, with a message, when {@code /usr/sbin/postsrsd} is
 * not installed ({@code apt-get install postsrsd}).
 */
class SrsPostsrsdInteropTest {
  private static final Path POSTSRSD = Path.of("/usr/sbin/postsrsd");

  @TempDir Path dir;
  private Process daemon;
  private int forwardPort;
  private int reversePort;
  private Srs ours;

  @BeforeEach
  void start() throws Exception {
    assumeThat(Files.isExecutable(POSTSRSD))
        .as("postsrsd is not installed (apt-get install postsrsd); interop test skipped")
        .isTrue();
    Path secret = dir.resolve("srs.key");
    Files.writeString(secret, "shared interop secret\nan older secret\n");
    forwardPort = freePort();
    reversePort = freePort();
    daemon = new ProcessBuilder(POSTSRSD.toString(), "-s" + secret, "-dforward.example", "-l127.0.0.1", "-4",
        "-f" + forwardPort, "-r" + reversePort)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("postsrsd.log").toFile())
        .start();
    ours = new Srs(new dev.postamt.config.Srs(true, "forward.example", 21, secret), d -> false, Clock.systemUTC());
    awaitListening();
  }

  @AfterEach
  void stop() throws Exception {
    if (daemon != null) {
      daemon.destroy();
      if (!daemon.waitFor(5, TimeUnit.SECONDS)) {
        daemon.destroyForcibly();
      }
    }
  }

  @Test
  void bothMakeTheSameSrs0AndReverseEachOthers() throws Exception {
    for (String sender : new String[] {"user@origin.example", "Mixed.Case@Origin.Example", "a-b_c@sub.origin.example"}) {
      long day = Instant.now().getEpochSecond() / 86_400;
      String theirs = lookup(forwardPort, sender);
      String mine = ours.forward(sender);
      // The hash's 62nd and 63rd letters: we write '-' and '_' as postsrsd 2 does (SrsTest has its
      // vectors); Debian's postsrsd 1.x writes '+' and '/' and refuses the other pair, which libsrs2 and we
      // accept as the same. So the addresses are equal up to that, and postsrsd 1.x reverses ours only
      // when the hash has neither letter (31 days in 32, per address).
      boolean oldAlphabet = theirs.substring(0, 10).matches(".*[+/].*");
      if (day == Instant.now().getEpochSecond() / 86_400) { // not across midnight
        assertThat(mine).as("forward %s", sender).isEqualTo(theirs.replace('+', '-').replace('/', '_'));
      }
      assertThat(ours.reverse(theirs)).as("we reverse postsrsd's %s", theirs).contains(sender);
      assertThat(ours.reverse(theirs.toLowerCase())).contains(sender.toLowerCase());
      if (!oldAlphabet) {
        assertThat(lookup(reversePort, mine)).as("postsrsd reverses our %s", mine).isEqualTo(sender);
        // case folded on the way (a mail system that lower-cases local parts): still valid for both
        assertThat(lookup(reversePort, mine.toUpperCase())).isEqualToIgnoringCase(sender);
      }
    }
  }

  @Test
  void srs1BothWays() throws Exception {
    String foreign = "SRS0=AbCd=2W=origin.example=user@other-forwarder.example";
    String theirs = lookup(forwardPort, foreign);
    assertThat(ours.forward(foreign)).isEqualTo(theirs).startsWith("SRS1=");
    assertThat(ours.reverse(theirs)).contains("SRS0=AbCd=2W=origin.example=user@other-forwarder.example");
    String hop = "SRS1=XyZ1=first.example==AbCd=2W=origin.example=user@other-forwarder.example";
    String mine = ours.forward(hop);
    assertThat(mine).isEqualTo(lookup(forwardPort, hop));
    assertThat(lookup(reversePort, mine)).isEqualTo("SRS0=AbCd=2W=origin.example=user@first.example");
  }

  @Test
  void aKeyOnlyOnTheSecondLineStillVerifies() throws Exception {
    Path old = dir.resolve("old.key");
    Files.writeString(old, "an older secret\n");
    Srs before = new Srs(new dev.postamt.config.Srs(true, "forward.example", 21, old), d -> false, Clock.systemUTC());
    String made = before.forward("user@origin.example");
    // postsrsd 1.x reads the hash only in its own alphabet, '+' and '/' where we write '-' and '_' (see
    // the test above): this address's hash has one of them on some days, so it is asked in its letters
    assertThat(lookup(reversePort, inOldAlphabet(made))).isEqualTo("user@origin.example");
    assertThat(ours.reverse(made)).contains("user@origin.example");
  }

  /** An SRS0 address with its hash ({@code SRS0=HHHH=}) in postsrsd 1.x's letters. */
  private static String inOldAlphabet(String srs0) {
    int end = srs0.indexOf('=', "SRS0=".length());
    return srs0.substring(0, end).replace('-', '+').replace('_', '/') + srs0.substring(end);
  }

  /** Postfix tcp_table(5): {@code get KEY} answers {@code 200 VALUE} or {@code 500 reason}. */
  private static String lookup(int port, String key) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(("get " + key + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      assertThat(line).as("postsrsd's answer to get %s", key).startsWith("200 ");
      return line.substring(4);
    }
  }

  private void awaitListening() throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", reversePort), 500);
        try (Socket f = new Socket()) {
          f.connect(new InetSocketAddress("127.0.0.1", forwardPort), 500);
          return;
        }
      } catch (IOException e) {
        if (!daemon.isAlive() || System.nanoTime() > end) {
          throw new AssertionError("postsrsd did not start: " + Files.readString(dir.resolve("postsrsd.log")), e);
        }
        Thread.sleep(20);
      }
    }
  }

  private static int freePort() throws IOException {
    return dev.postamt.testing.Ports.free();
  }
}
