package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.postamt.net.Listener;
import dev.postamt.policy.Restrictions;
import dev.postamt.policy.SqliteGreylistStore;
import dev.postamt.routing.Router;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The {@code [policy]} lists, greylisting and DNS lists in scripted SMTP sessions on the MX port, with
 * zone-file DNS and a clock the test moves (no sleeps). Each test connects from its own loopback
 * address (127.0.N.1, its own /24), so their greylist triplets and DNS-list entries stay apart.
 */
class SmtpPolicyTest {
  @TempDir static Path dir;
  static TestServer t;
  static Listener listener;
  static SqliteGreylistStore greylist;
  static final MovableClock clock = new MovableClock(Instant.parse("2026-12-04T10:00:00Z"));

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(Restrictions.class);

  static final String ZONE =
      """
      sender.example.     MX 10 mx.sender.example.
      mx.sender.example.  A  192.0.2.25
      ; DNS lists: strong lists 127.0.2.1; weak lists 127.0.3.1, 127.0.4.1 and 127.0.5.1;
      ; medium lists 127.0.4.1; the allow list lists 127.0.5.1
      1.2.0.127.strong.example.test.  A 127.0.0.2
      1.3.0.127.weak.example.test.    A 127.0.0.2
      1.4.0.127.weak.example.test.    A 127.0.0.2
      1.4.0.127.medium.example.test.  A 127.0.0.3
      1.5.0.127.weak.example.test.    A 127.0.0.2
      1.5.0.127.wl.example.test.      A 127.0.9.1
      """;

  @BeforeAll
  static void start() throws Exception {
    java.nio.file.Files.writeString(dir.resolve("zone.txt"), ZONE);
    t = TestServer.start(dir, """
        [relay]
        networks = []
        [greylist]
        enabled = true
        delay = "5m"
        retry_window = "2d"
        auto_whitelist_after = 2
        whitelist_recipients = ["postmaster@example.test"]
        [dnsbl]
        sites = ["strong.example.test*3", "weak.example.test", "medium.example.test=127.0.0.[2..11]*2",
                 "wl.example.test=127.0.[0..255].[1..255]*-2"]
        threshold = 3
        """);
    greylist = SqliteGreylistStore.open(dir.resolve("policy"));
    Restrictions policy = new Restrictions(t.config, t.server.resolver(), greylist, clock);
    SmtpServer mx = new SmtpServer(t.config, SmtpServer.Mode.MX, t.server.directory(),
        new Router(t.server.directory(), t.config), t.server.spool(), t.server.queue(), InboundCheck.NONE,
        t.server.authThrottle(), t.server.store(), t.server.resolver(), policy);
    listener = Listener.open("smtp", new InetSocketAddress("127.0.0.1", 0), null, false, Duration.ofSeconds(30), 50, mx);
  }

  @AfterAll
  static void stop() {
    listener.close();
    greylist.close();
    t.close();
  }

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  private List<String> logLines() {
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** A session from {@code clientIp}, greeted, EHLO'd as {@code helo} and with MAIL FROM given. */
  private static SmtpScript session(String clientIp, String helo, String from) throws Exception {
    Socket s = new Socket("127.0.0.1", listener.localAddress().getPort(), InetAddress.getByName(clientIp), 0);
    SmtpScript script = new SmtpScript(s);
    script.expect("220 *");
    script.send("EHLO " + helo).expect("250 *");
    script.send("MAIL FROM:<" + from + ">").expect("250 2.1.0 *");
    return script;
  }

  private static void deliver(SmtpScript s) throws Exception {
    s.send("DATA").expect("354 *");
    s.raw("Subject: policy test\r\n\r\nhello\r\n.\r\n").expect("250 2.0.0 Ok: queued as *");
  }

  @Test
  void aFirstAttemptIsGreylistedAndARetryAfterTheDelayIsAccepted() throws Exception {
    try (SmtpScript s = session("127.0.7.1", "mail.sender.example", "news@sender.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("450 4.2.0 <bob@example.test>: Recipient address rejected: Greylisted, please try again in 300 seconds*");
    }
    clock.advance(Duration.ofMinutes(2));
    try (SmtpScript s = session("127.0.7.1", "mail.sender.example", "news@sender.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("450 4.2.0 *try again in 180 seconds*");
    }
    clock.advance(Duration.ofMinutes(4));
    try (SmtpScript s = session("127.0.7.9", "mail.sender.example", "news@sender.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("250 2.1.5 *");
      deliver(s);
    }
    assertThat(logLines()).filteredOn(l -> l.startsWith("policy: defer stage=recipient client=unknown[127.0.7.1]"))
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).contains("from=<news@sender.example> to=<bob@example.test> check=check_greylist reply=\"450 4.2.0\""));
  }

  @Test
  void aClientWithEnoughPassedRetriesIsAutoWhitelisted() throws Exception {
    for (String rcpt : List.of("alice@example.test", "bob@example.test")) {
      try (SmtpScript s = session("127.0.8.1", "mail.sender.example", "list@sender.example")) {
        s.send("RCPT TO:<" + rcpt + ">").expect("450 4.2.0 *");
      }
    }
    clock.advance(Duration.ofMinutes(6));
    for (String rcpt : List.of("alice@example.test", "bob@example.test")) {
      try (SmtpScript s = session("127.0.8.1", "mail.sender.example", "list@sender.example")) {
        s.send("RCPT TO:<" + rcpt + ">").expect("250 2.1.5 *");
      }
    }
    // a new sender from the same /24: no delay any more
    try (SmtpScript s = session("127.0.8.77", "mail.sender.example", "other@sender.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("250 2.1.5 *");
      deliver(s);
    }
  }

  @Test
  void senderNumbersAndExtensionsMakeOneTriplet() throws Exception {
    try (SmtpScript s = session("127.0.10.1", "mail.sender.example", "bounce-1234+x@sender.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("450 4.2.0 *");
    }
    clock.advance(Duration.ofMinutes(6));
    try (SmtpScript s = session("127.0.10.1", "mail.sender.example", "Bounce-987@Sender.Example")) {
      s.send("RCPT TO:<bob@example.test>").expect("250 2.1.5 *");
    }
  }

  @Test
  void aListedClientIsRefusedNamingTheList() throws Exception {
    try (SmtpScript s = session("127.0.2.1", "mail.sender.example", "a@sender.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("554 5.7.1 Service unavailable; client [127.0.2.1] blocked using strong.example.test");
    }
    assertThat(logLines()).anySatisfy(l -> assertThat(l)
        .startsWith("policy: reject stage=client client=unknown[127.0.2.1] helo=mail.sender.example from=<a@sender.example>"
            + " to=<bob@example.test> check=check_dnsbl zone=strong.example.test reply=\"554 5.7.1\" reason=score 3, threshold 3"));
  }

  @Test
  void weightsAddUpToTheThreshold() throws Exception {
    try (SmtpScript s = session("127.0.3.1", "mail.sender.example", "a@sender.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("450 4.2.0 *"); // weak alone: 1 < 3, so only greylisted
    }
    try (SmtpScript s = session("127.0.4.1", "mail.sender.example", "a@sender.example")) {
      s.send("RCPT TO:<bob@example.test>")
          .expect("554 5.7.1 Service unavailable; client [127.0.4.1] blocked using weak.example.test, medium.example.test");
    }
  }

  @Test
  void anAllowListedClientIsNotGreylisted() throws Exception {
    try (SmtpScript s = session("127.0.5.1", "mail.sender.example", "a@sender.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("250 2.1.5 *");
      deliver(s);
    }
  }

  @Test
  void whitelistedRecipientsAreNotGreylisted() throws Exception {
    try (SmtpScript s = session("127.0.11.1", "mail.sender.example", "a@sender.example")) {
      s.send("RCPT TO:<postmaster@example.test>").expect("250 2.1.5 *");
    }
  }

  @Test
  void fcrdnsOnlyWarnsButABadHeloOrSenderDomainIsRefusedAtRcpt() throws Exception {
    try (SmtpScript s = session("127.0.12.1", "mail.sender.example", "a@sender.example")) {
      s.send("RCPT TO:<postmaster@example.test>").expect("250 2.1.5 *");
    }
    assertThat(logLines()).anySatisfy(l -> assertThat(l)
        .startsWith("policy: warn stage=client client=unknown[127.0.12.1]").contains("check=reject_unknown_client_hostname"));
    try (SmtpScript s = session("127.0.12.1", "localhost", "a@sender.example")) {
      s.send("RCPT TO:<postmaster@example.test>").expect("504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname");
    }
    try (SmtpScript s = session("127.0.12.1", "mail.sender.example", "a@no-such-domain.example")) {
      s.send("RCPT TO:<postmaster@example.test>").expect("550 5.1.8 <a@no-such-domain.example>: Sender address rejected: Domain not found");
    }
    try (SmtpScript s = session("127.0.12.1", "mail.sender.example", "carol@example.test")) {
      s.send("RCPT TO:<postmaster@example.test>").expect("250 2.1.5 *"); // a sender in our own domain needs no DNS
    }
  }

  /** A clock the test moves forward. */
  static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
