package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.filter.Check;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.SpamScanner;
import dev.postamt.net.Listener;
import dev.postamt.net.TlsContext;
import dev.postamt.quarantine.Quarantine;
import dev.postamt.routing.Router;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spam scan at the end of DATA over real SMTP (issue 17 items 1, 2): tag, quarantine, reject and
 * outbound reject by the {@code [spam]} thresholds, the X-Spam-* fields (and the removal of forged
 * ones), what the scan is told (our Authentication-Results, the local recipients), a failing check, a
 * failing database. The scanner's only check scores a message by its {@code X-Test-Score} field.
 */
class SmtpSpamTest {
  @TempDir static Path dir;
  static TestServer t;
  static Listener mx;
  static Listener submission;
  static final AtomicReference<ScanInput> seen = new AtomicReference<>();

  /** Scores what {@code X-Test-Score} says; {@code X-Test-Fail: io|bug} makes it fail that way. */
  static final Check MARKER = (in, out) -> {
    seen.set(in);
    switch (in.message().first("X-Test-Fail")) {
      case "io" -> throw new IOException("token database is locked");
      case "bug" -> throw new IllegalStateException("a bug in a check");
      default -> {}
    }
    String score = in.message().first("X-Test-Score");
    if (!score.isEmpty()) {
      out.add("TEST_MARKER", Double.parseDouble(score), "X-Test-Score says " + score);
    }
    out.add("TEST_ALWAYS", 0.5, "every message gets half a point");
  };

  @BeforeAll
  static void start() throws Exception {
    // SPF for the sender domain passes from loopback: the scan must see our Authentication-Results
    Files.writeString(dir.resolve("zone.txt"), """
        remote.example. MX 10 nohost.remote.example.
        remote.example. TXT "v=spf1 ip4:127.0.0.0/8 -all"
        """);
    t = TestServer.start(dir, "[relay]\nnetworks = []\n[limits]\nmessage_size = \"60M\"\n[spam]\nmax_size = \"1M\"\n");
    SpamScanner scanner = new SpamScanner(t.config.spam(), List.of(MARKER), Map.of("TEST_ALWAYS", 0.25));
    SmtpServer smtp = new SmtpServer(t.config, SmtpServer.Mode.MX, t.server.directory(),
        new Router(t.server.directory(), t.config), t.server.spool(), t.server.queue(), new dev.postamt.mailauth.InboundAuthenticator(t.config, t.server.resolver()),
        t.server.authThrottle(), t.server.store(), t.server.resolver(), null, scanner);
    mx = Listener.open("smtp", new InetSocketAddress("127.0.0.1", 0), null, false, Duration.ofSeconds(30), 20, smtp);
    SmtpServer sub = new SmtpServer(t.config, SmtpServer.Mode.SUBMISSION, t.server.directory(),
        new Router(t.server.directory(), t.config), t.server.spool(), t.server.queue(), new dev.postamt.mailauth.InboundAuthenticator(t.config, t.server.resolver()),
        t.server.authThrottle(), t.server.store(), t.server.resolver(), null, scanner);
    submission = Listener.open("smtps", new InetSocketAddress("127.0.0.1", 0), TlsContext.fromConfig(t.config), true,
        Duration.ofSeconds(30), 20, sub);
  }

  @AfterAll
  static void stop() {
    if (mx != null) {
      mx.close();
    }
    if (submission != null) {
      submission.close();
    }
    t.close();
  }

  /** Sends {@code message} from sender@remote.example to bob; returns the last reply line. */
  static String send(String message) throws Exception {
    try (SmtpScript s = SmtpScript.connect(mx.localAddress().getPort())) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw(message + "\r\n.\r\n");
      return s.read().getLast();
    }
  }

  static String message(String subject, String headers) {
    return "From: <sender@remote.example>\r\nSubject: " + subject + "\r\n" + headers + "\r\nhello\r\n";
  }

  @Test
  void theScanTimeIsLoggedInMillisecondsWithTwoDecimals() {
    for (long nanos : new long[] {0, 4_999, 5_000, 1_234_567, 9_995_000, 12_340_000, 1_000_000_000L, 7_080_000}) {
      assertThat(SpamCheck.millis(nanos)).isEqualTo(String.format(java.util.Locale.ROOT, "%.2f", nanos / 1e6));
    }
  }

  @Test
  void theVerdictEventIsTheScansOneLogLineWithEveryFieldOfTheOldSpamLine() throws Exception {
    var events = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.postamt.events.Event");
    var spamLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(SpamCheck.class);
    var lines = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
    lines.start();
    events.addAppender(lines);
    spamLog.addAppender(lines);
    String id;
    try {
      String reply = send(message("logged-one", "X-Test-Score: 1.0\r\n"));
      assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
      id = reply.substring("250 2.0.0 Ok: queued as ".length()).strip();
    } finally {
      events.detachAppender(lines);
      spamLog.detachAppender(lines);
    }
    List<String> mine = lines.list.stream().map(e -> e.getFormattedMessage()).filter(m -> m.contains(id)).toList();
    assertThat(mine).as("no second line of the scan beside the event").noneMatch(m -> m.startsWith("spam "));
    assertThat(mine).filteredOn(m -> m.startsWith("filter.verdict ")).singleElement().asString().matches(
        "filter\\.verdict queue=" + id + " from=<sender@remote\\.example> to=<bob@example\\.test> check=spam"
            + " action=no_action score=1\\.3 reason=\"TEST_MARKER \\(1\\.0\\), TEST_ALWAYS \\(0\\.25\\)\" required=5\\.0"
            + " scan=\\d+\\.\\d\\dms size=\\d+ ip=127\\.0\\.0\\.1");
  }

  @Test
  void hamGetsStatusNoAndForgedSpamFieldsAreRemoved() throws Exception {
    assertThat(send(message("ham-one", "X-Test-Score: 1.0\r\nX-Spam-Flag: YES\r\nX-Spam-Status: Yes, score=99\r\n")))
        .startsWith("250 2.0.0 ");
    String m = unfold(t.awaitMessageContaining("bob@example.test", "Subject: ham-one"));
    assertThat(m).doesNotContain("X-Spam-Flag").doesNotContain("score=99")
        .contains("X-Spam-Score: 1.3\r\n", "X-Spam-Level: *\r\n",
            "X-Spam-Status: No, score=1.3 required=5.0 tests=TEST_ALWAYS=0.25,TEST_MARKER=1.0")
        .contains(" *  1.0 TEST_MARKER X-Test-Score says 1.0 * 0.25 TEST_ALWAYS");
    // the scan knew who it was for and what our SPF check said
    ScanInput in = seen.get();
    assertThat(in.localRecipients()).containsExactly("bob@example.test");
    assertThat(in.recipients()).containsExactly("bob@example.test");
    assertThat(in.mailFrom()).isEqualTo("sender@remote.example");
    assertThat(in.helo()).isEqualTo("client.example");
    assertThat(in.auth().spf()).isEqualTo("pass");
    assertThat(in.auth().spfDomain()).isEqualTo("remote.example");
    assertThat(in.outbound()).isFalse();
  }

  @Test
  void spamIsTaggedAndTheDefaultSieveScriptFilesItIntoJunk() throws Exception {
    assertThat(send(message("spam-one", "X-Test-Score: 6.0\r\nX-Spam-Flag: NO\r\n"))).startsWith("250 2.0.0 ");
    Path junk = t.maildir("bob@example.test").resolve(".Junk");
    String m = unfold(awaitIn(junk, "Subject: spam-one"));
    assertThat(m).contains("X-Spam-Flag: YES\r\n", "X-Spam-Level: ******\r\n",
        "X-Spam-Status: Yes, score=6.3 required=5.0 tests=TEST_ALWAYS=0.25,TEST_MARKER=6.0").doesNotContain("X-Spam-Flag: NO");
  }

  @Test
  void overTheQuarantineThresholdItIsHeld() throws Exception {
    String reply = send(message("held-spam", "X-Test-Score: 16.0\r\n"));
    assertThat(reply).matches("250 2\\.0\\.0 Ok: \\S+ held");
    String id = reply.split(" ")[3];
    Quarantine q = Quarantine.of(t.config.dataDir());
    Quarantine.Entry e = q.find(id).orElseThrow();
    assertThat(e.reason()).isEqualTo("spam score 16.3: TEST_MARKER (16.0), TEST_ALWAYS (0.25)");
    assertThat(e.subject()).isEqualTo("held-spam");
    assertThat(e.recipients()).containsExactly("bob@example.test");
    try (var in = q.open(id)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).contains("X-Spam-Flag: YES\r\n", "Subject: held-spam");
    }
  }

  @Test
  void overTheRejectThresholdItIsRefused() throws Exception {
    assertThat(send(message("rejected", "X-Test-Score: 25\r\n"))).isEqualTo("550 5.7.1 Message refused as spam (score 25.3)");
  }

  @Test
  void aFailingDatabaseDefersAndABuggyCheckCostsOnlyItself() throws Exception {
    assertThat(send(message("deferred", "X-Test-Fail: io\r\n"))).isEqualTo("451 4.7.1 Spam filter unavailable, try again later");
    assertThat(send(message("buggy", "X-Test-Fail: bug\r\n"))).startsWith("250 2.0.0 ");
    assertThat(t.awaitMessageContaining("bob@example.test", "Subject: buggy")).contains("X-Spam-Status: No, score=0.0");
  }

  /** The server as started from its config scans too (Filters.open), and drops forged fields there as well. */
  @Test
  void theConfiguredServerScansEveryInboundMessage() throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw(message("configured", "X-Spam-Flag: YES\r\nX-Spam-Score: 99\r\n") + "\r\n.\r\n").expect("250 2.0.0 *");
    }
    String m = unfold(t.awaitMessageContaining("bob@example.test", "Subject: configured"));
    assertThat(m).containsOnlyOnce("X-Spam-Status: ").containsOnlyOnce("X-Spam-Score: ").doesNotContain("X-Spam-Score: 99")
        .containsPattern("X-Spam-Status: (Yes|No), score=-?\\d+\\.\\d required=5\\.0 tests=");
  }

  /** An authenticated submission: refused over outbound_reject, sent (and not tagged) below it. */
  @Test
  void outboundSpamIsRefusedAndTheUserTold() throws Exception {
    try (SmtpScript s = SmtpScript.connectTls(submission.localAddress().getPort())) {
      s.expect("220 *");
      s.send("EHLO client").read();
      String plain = Base64.getEncoder().encodeToString("\0alice@example.test\0secret".getBytes(StandardCharsets.UTF_8));
      s.send("AUTH PLAIN " + plain).expect("235 *");
      s.send("MAIL FROM:<alice@example.test>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw(message("outbound-spam", "X-Test-Score: 12\r\n") + "\r\n.\r\n")
          .expect("550 5.7.1 Your message looks like spam (score 12.3) and was not sent");
      assertThat(seen.get().outbound()).isTrue();
      assertThat(seen.get().authUser()).isEqualTo("alice@example.test");
      s.send("MAIL FROM:<alice@example.test>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw(message("outbound-grey", "X-Test-Score: 7\r\nX-Spam-Flag: YES\r\n") + "\r\n.\r\n").expect("250 2.0.0 *");
    }
    String m = t.awaitMessageContaining("bob@example.test", "Subject: outbound-grey");
    assertThat(m).doesNotContain("X-Spam-");
  }

  /** Issue 17 item 11: a 50 MB message within the size limit is accepted, only the first max_size bytes scanned. */
  @Test
  void aFiftyMegabyteMessageIsAcceptedAndOnlyItsStartScanned() throws Exception {
    String line = "x".repeat(998) + "\r\n";
    try (SmtpScript s = SmtpScript.connect(mx.localAddress().getPort())) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<sender@remote.example> SIZE=52500000").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw(message("big-one", "X-Test-Score: 2\r\n"));
      byte[] chunk = line.repeat(1024).getBytes(StandardCharsets.US_ASCII); // 1,024,000 bytes
      for (int i = 0; i < 50; i++) {
        s.rawBytes(chunk);
      }
      s.raw(".\r\n").expect("250 2.0.0 *");
    }
    ScanInput in = seen.get();
    assertThat(in.message().first("Subject")).isEqualTo("big-one");
    assertThat(in.message().truncated()).isTrue();
    assertThat(in.message().raw()).hasSize(1 << 20);
    assertThat(in.message().size()).isGreaterThan(51_200_000L);
    String m = unfold(t.awaitMessageContaining("bob@example.test", "Subject: big-one"));
    assertThat(m).contains("X-Spam-Status: No, score=2.3").contains("only the start of the message was scanned");
  }

  /** RFC 5322 §2.2.3 unfolding, the folds after the commas of the tests list taken out too. */
  static String unfold(String message) {
    return message.replace(",\r\n\t", ",").replace("\r\n\t", " ");
  }

  static String awaitIn(Path maildir, String text) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < end) {
      for (Path p : TestServer.messagesIn(maildir)) {
        String m = Files.readString(p, StandardCharsets.UTF_8);
        if (m.contains(text)) {
          return m;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no message containing \"" + text + "\" in " + maildir);
  }
}
