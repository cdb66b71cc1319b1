package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.FakeSmtpServer;
import dev.postamt.testing.MailHost;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postamt trace} on a running server's trail, end to end: a message in over SMTP, filed by
 * Sieve and delivered; a message to a remote host deferred, then refused, then bounced back; and the
 * one-line error when the trail knows nothing.
 */
class TraceCommandTest {
  @TempDir Path dir;
  FakeSmtpServer remote;
  TestServer t;
  final AtomicInteger rcpts = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    remote = new FakeSmtpServer(new InetSocketAddress("127.0.0.1", 0), false);
    // the first RCPT is deferred, the next one refused for good
    remote.rcptReply = a -> rcpts.getAndIncrement() == 0 ? "451 4.2.0 greylisted, try again later" : "550 5.1.1 no such user here";
    t = TestServer.start(dir, "[queue]\nretry = [\"1s\"]\n[transport]\n\"remote.test\" = \"smtp:[127.0.0.1]:" + remote.port() + "\"\n");
  }

  @AfterEach
  void stop() throws Exception {
    t.close();
    remote.close();
  }

  record Result(int status, String out, String err) {}

  Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--config", t.dir.resolve("postamt.toml").toString()));
    int status;
    try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
      status = Main.run(o, e, all.toArray(String[]::new));
    }
    return new Result(status, out.toString(), err.toString());
  }

  /** The trace of {@code what} once it contains every one of {@code events} (the trail is written in the background). */
  String awaitTrace(String what, String... events) throws Exception {
    String[] last = {""};
    MailHost.await(() -> {
      Result r = cli("trace", what);
      last[0] = r.out();
      return r.status() == 0 && List.of(events).stream().allMatch(e -> r.out().contains(" " + e + " "));
    }, "the trace of " + what + " to show " + List.of(events) + "; it shows:\n" + last[0]);
    return last[0];
  }

  /** The events of a trace in the order printed. */
  static List<String> events(String trace) {
    return trace.lines().filter(l -> l.startsWith("  ")).map(l -> l.strip().split(" +")[1]).toList();
  }

  @Test
  void aMessageFiledBySieveShowsEveryStepFromConnectionToMailbox() throws Exception {
    Path script = Files.writeString(dir.resolve("reports.sieve"),
        "require [\"fileinto\", \"mailbox\"];\nif header :contains \"Subject\" \"[report]\" {\n  fileinto :create \"Reports\";\n}\n");
    assertThat(cli("sieve", "put", "alice@example.test", "main", script.toString(), "--activate").status()).isZero();
    String queueId;
    try (SmtpScript s = t.smtp("smtp")) {
      s.send("EHLO client.remote.example").read();
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      s.send("RCPT TO:<alice@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("Message-ID: <weekly-1@remote.example>\r\nSubject: [report] weekly\r\nFrom: sender@remote.example\r\n\r\nnumbers\r\n.\r\n");
      queueId = queueId(s.read().getLast());
      s.send("QUIT").read();
    }
    String trace = awaitTrace("<weekly-1@remote.example>", "smtp.accepted", "delivery.delivered", "sieve.action");
    assertThat(trace.lines().findFirst().orElseThrow())
        .isEqualTo("queue " + queueId + "  message-id <weekly-1@remote.example>  from <sender@remote.example>  to <alice@example.test>");
    List<String> events = events(trace);
    assertThat(events).containsSubsequence("smtp.connect", "mailauth.result", "queue.queued", "sieve.action", "delivery.delivered",
        "smtp.accepted");
    assertThat(trace).containsPattern("smtp\\.connect +session=S\\w+ service=smtp ip=127\\.0\\.0\\.1")
        .containsPattern("mailauth\\.result .*results=\"Authentication-Results: mx\\.example\\.test;.*spf=")
        .containsPattern("sieve\\.action .*to=<alice@example\\.test> .*actions=\"fileinto \\\\\"Reports\\\\\"\"")
        .containsPattern("delivery\\.delivered .*to=<alice@example\\.test> reply=\"2\\.0\\.0 ");
    // the same life by queue id, and by address (without the brackets of a Message-ID)
    assertThat(cli("trace", queueId).out()).isEqualTo(trace);
    assertThat(cli("trace", "weekly-1@remote.example").out()).isEqualTo(trace);
    assertThat(cli("trace", "Alice@Example.test").out()).contains("queue " + queueId);
    assertThat(cli("trace", queueId, "--since", "1h").out()).isEqualTo(trace);
    assertThat(trace).containsPattern("sieve\\.action .*result=\"[^\"]*Reports");
    // why it got through: the restriction lists that ran at RCPT, each check with its answer and reason
    assertThat(trace).containsPattern("policy\\.checks .*to=<alice@example\\.test> stage=rcpt result=pass checks=\"[^\"]*"
        + "permit_mynetworks=permit \\(127\\.0\\.0\\.1 is in relay\\.networks\\)");
  }

  @Test
  void aRemoteMessageDeferredThenRefusedShowsEachAttemptWithItsReplyAndTheBounce() throws Exception {
    String queueId;
    try (SmtpScript s = SmtpScript.connect(t.port("submission"))) {
      s.expect("220 *");
      s.send("EHLO client").read();
      s.send("STARTTLS").expect("220 *");
      s.upgradeTls();
      s.send("EHLO client").read();
      String plain = Base64.getEncoder().encodeToString("\0alice@example.test\0secret".getBytes(StandardCharsets.UTF_8));
      s.send("AUTH PLAIN " + plain).expect("235 *");
      s.send("MAIL FROM:<alice@example.test>").expect("250 *");
      s.send("RCPT TO:<x@remote.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("Message-ID: <out-1@example.test>\r\nSubject: to remote\r\n\r\nhello\r\n.\r\n");
      queueId = queueId(s.read().getLast());
    }
    String trace = awaitTrace(queueId, "delivery.bounced", "delivery.notice", "delivery.delivered");
    List<String> events = events(trace);
    assertThat(events).containsSubsequence("smtp.connect", "smtp.auth.ok", "queue.queued", "smtp.accepted", "delivery.attempt",
        "delivery.deferred", "delivery.attempt", "delivery.bounced", "delivery.notice");
    assertThat(trace).containsPattern("smtp\\.auth\\.ok .*user=alice@example\\.test method=PLAIN")
        .containsPattern("delivery\\.attempt .*host=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:" + remote.port() + " reply=\"4\\.2\\.0 .*451 4\\.2\\.0 greylisted")
        .containsPattern("delivery\\.deferred .*to=<x@remote\\.test> reply=\"4\\.2\\.0 .*451 4\\.2\\.0 greylisted, try again later.*\" attempts=1")
        .containsPattern("delivery\\.bounced .*to=<x@remote\\.test> reply=\"5\\.1\\.1 .*550 5\\.1\\.1 no such user here")
        .containsPattern("delivery\\.notice .*kind=failure notice=" + queueId + "\\w+ notify=alice@example\\.test");
    // the notice is a message of its own, in the same trace: delivered to the sender's mailbox
    Matcher notice = Pattern.compile("notice=(\\S+)").matcher(trace);
    assertThat(notice.find()).isTrue();
    assertThat(trace).contains("queue " + notice.group(1)).containsPattern("delivery\\.delivered .*to=<alice@example\\.test>");
    assertThat(trace).endsWith("-- 2 messages\n");
  }

  @Test
  void nothingFoundIsOneLineAndExit1() throws Exception {
    Result r = cli("trace", "nobody@nowhere.test");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("postamt: no trail for nobody@nowhere.test\n");
    Result bad = cli("trace", "x", "--since", "yesterday");
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).isEqualTo("postamt: --since: expected a duration like 30m, 5h or 2d, got \"yesterday\"\n");
  }

  private static String queueId(String reply) {
    Matcher m = Pattern.compile("queued as (\\S+)").matcher(reply);
    assertThat(m.find()).as(reply).isTrue();
    return m.group(1);
  }
}
