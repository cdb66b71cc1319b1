package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.filter.Check;
import dev.postamt.filter.SpamScanner;
import dev.postamt.net.Listener;
import dev.postamt.routing.Router;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message that reaches the end of DATA while a starting server is still building its content scan
 * ({@link PendingSpamScanner}, issue 27): it waits for the whole scanner and is judged by it, or, when
 * the scanner fails to build or takes too long, is deferred with {@code 451 4.7.1} and nothing is kept.
 * Never accepted unscanned, never judged by a half-built scanner.
 */
class SmtpSpamStartingTest {
  @TempDir static Path dir;
  static TestServer t;
  static final AtomicInteger scans = new AtomicInteger();

  /** The only check of the complete scanner: every message it judges gets this symbol. */
  static final Check COMPLETE = (in, out) -> {
    scans.incrementAndGet();
    out.add("BUILT_SCANNER", 0.5, "judged by the complete scanner");
  };

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.start(dir, "[relay]\nnetworks = []\n");
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  /** An MX listener whose content scan is {@code spam}. */
  static Listener listener(PendingSpamScanner spam) throws IOException {
    SmtpServer smtp = new SmtpServer(t.config, SmtpServer.Mode.MX, t.server.directory(),
        new Router(t.server.directory(), t.config), t.server.spool(), t.server.queue(),
        new dev.postamt.mailauth.InboundAuthenticator(t.config, t.server.resolver()), t.server.authThrottle(),
        t.server.store(), t.server.resolver(), null, spam);
    return Listener.open("smtp", new InetSocketAddress("127.0.0.1", 0), null, false, Duration.ofSeconds(30), 20, smtp);
  }

  /** Sends a message up to its final dot; the caller reads the reply. */
  static SmtpScript sendUpToTheDot(Listener l, String subject) throws IOException {
    SmtpScript s = SmtpScript.connect(l.localAddress().getPort());
    s.expect("220 *");
    s.send("EHLO client.example").read();
    s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
    s.send("RCPT TO:<bob@example.test>").expect("250 *");
    s.send("DATA").expect("354 *");
    s.raw("From: <sender@remote.example>\r\nSubject: " + subject + "\r\n\r\nhello\r\n.\r\n");
    return s;
  }

  /** Waits until a session waits for {@code scanner} (no fixed sleep: the future counts its waiters). */
  static void awaitWaiter(CompletableFuture<?> scanner) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (scanner.getNumberOfDependents() == 0) {
      assertThat(System.nanoTime()).as("a session waiting for the scanner").isLessThan(deadline);
      Thread.onSpinWait();
      Thread.sleep(1);
    }
  }

  @Test
  void aMessageBeforeTheScannerIsBuiltWaitsAndIsJudgedByTheCompleteScanner() throws Exception {
    CompletableFuture<SpamScanner> building = new CompletableFuture<>();
    Listener l = listener(PendingSpamScanner.building(t.config.spam(), building, Duration.ofSeconds(60)));
    try (SmtpScript s = sendUpToTheDot(l, "early-bird")) {
      awaitWaiter(building); // the end of DATA has been reached and waits; no reply can have come
      int before = scans.get();
      building.complete(new SpamScanner(t.config.spam(), List.of(COMPLETE), Map.of()));
      assertThat(s.read().getLast()).startsWith("250 2.0.0 ");
      assertThat(scans.get()).isEqualTo(before + 1);
      assertThat(t.awaitMessageContaining("bob@example.test", "Subject: early-bird"))
          .contains("BUILT_SCANNER=0.5");
    } finally {
      l.close();
    }
  }

  @Test
  void aScannerThatFailsToBuildDefersTheMessageAndKeepsNothing() throws Exception {
    CompletableFuture<SpamScanner> building = new CompletableFuture<>();
    Listener l = listener(PendingSpamScanner.building(t.config.spam(), building, Duration.ofSeconds(60)));
    try (SmtpScript s = sendUpToTheDot(l, "failed-start")) {
      awaitWaiter(building);
      building.completeExceptionally(new IOException("spam rules: no such file or directory"));
      assertThat(s.read().getLast()).startsWith("451 4.7.1 ");
      // the session goes on: the next message is deferred too, at once
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("Subject: failed-start-2\r\n\r\nhello\r\n.\r\n");
      assertThat(s.read().getLast()).startsWith("451 4.7.1 ");
    } finally {
      l.close();
    }
    assertThat(keptAnywhere("failed-start")).as("a deferred message is neither spooled nor delivered").isFalse();
  }

  @Test
  void aScannerNotBuiltWithinTheWaitDefersTheMessage() throws Exception {
    CompletableFuture<SpamScanner> never = new CompletableFuture<>();
    Listener l = listener(PendingSpamScanner.building(t.config.spam(), never, Duration.ofMillis(200)));
    try (SmtpScript s = sendUpToTheDot(l, "too-early")) {
      assertThat(s.read().getLast()).startsWith("451 4.7.1 ");
    } finally {
      l.close();
    }
    assertThat(keptAnywhere("too-early")).isFalse();
  }

  @Test
  void aReadyScannerDoesNotWait() throws Exception {
    PendingSpamScanner ready = PendingSpamScanner.ready(new SpamScanner(t.config.spam(), List.of(COMPLETE), Map.of()));
    assertThat(ready.isDone()).isTrue();
    assertThat(ready.await().config()).isSameAs(t.config.spam());
  }

  /** Whether a file under the spool or bob's Maildir holds {@code subject}. */
  static boolean keptAnywhere(String subject) throws IOException {
    for (Path root : List.of(t.config.dataDir().resolve("queue"), t.maildir("bob@example.test"))) {
      if (!Files.exists(root)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          try {
            if (Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1).contains("Subject: " + subject)) {
              return true;
            }
          } catch (java.nio.file.NoSuchFileException gone) {
            // delivered and removed meanwhile: the Maildir is searched as well
          }
        }
      }
    }
    return false;
  }
}
