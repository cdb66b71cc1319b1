package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.postamt.policy.Restrictions;
import dev.postamt.queue.QueueAdmin;
import dev.postamt.queue.QueuedMessage;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The access-map actions of {@code check_*_access} in scripted SMTP sessions on the MX port: each
 * action with its effect on the reply, the queue and the delivered message.
 */
class SmtpAccessMapTest {
  @TempDir static Path dir;
  static TestServer t;

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(Restrictions.class);

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(dir.resolve("senders"), """
        # sender access map
        spammer@bad.example     REJECT go away
        friend@bad.example      OK
        bad.example             REJECT 5.7.9 domain blocked
        ok@nowhere.example      OK
        defer.example           DEFER try again later
        discard.example         DISCARD
        hold.example            HOLD held for review
        redirect.example        REDIRECT alice@example.test
        prepend.example         PREPEND X-Access: tagged
        warn.example            WARN suspicious sender
        code.example            421 4.7.0 not now
        """);
    Files.writeString(dir.resolve("recipients"), "postmaster@  REJECT no such mailbox here\n");
    Files.writeString(dir.resolve("clients.cidr"), "127.0.99.0/24  REJECT client blocked\n");
    Files.writeString(dir.resolve("zone.txt"), """
        bad.example.       MX 10 mx.bad.example.
        mx.bad.example.    A  192.0.2.25
        defer.example.     A  192.0.2.25
        discard.example.   A  192.0.2.25
        hold.example.      A  192.0.2.25
        redirect.example.  A  192.0.2.25
        prepend.example.   A  192.0.2.25
        warn.example.      A  192.0.2.25
        code.example.      A  192.0.2.25
        plain.example.     A  192.0.2.25
        """);
    t = TestServer.start(dir, """
        [relay]
        networks = []
        [policy]
        client = ["check_client_access cidr:%1$s/clients.cidr"]
        sender = ["check_sender_access hash:%1$s/senders", "reject_unknown_sender_domain"]
        recipient = ["check_recipient_access %1$s/recipients", "reject_unauth_destination", "reject_unlisted_recipient"]
        """.formatted(dir));
  }

  @AfterAll
  static void stop() {
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

  private static SmtpScript session(String clientIp, String from) throws Exception {
    Socket s = new Socket("127.0.0.1", t.port("smtp"), InetAddress.getByName(clientIp), 0);
    SmtpScript script = new SmtpScript(s);
    script.expect("220 *");
    script.send("EHLO mail.sender.example").expect("250 *");
    script.send("MAIL FROM:<" + from + ">").expect("250 2.1.0 *");
    return script;
  }

  /** Sends a message with a unique marker in its subject; returns the marker. */
  private static String data(SmtpScript s, String expectedReply) throws Exception {
    String marker = "m-" + UUID.randomUUID();
    s.send("DATA").expect("354 *");
    s.raw("Subject: " + marker + "\r\n\r\nhello\r\n.\r\n").expect(expectedReply);
    return marker;
  }

  private static boolean anyMessageContains(String user, String text) throws Exception {
    return t.messageTexts(user).stream().anyMatch(m -> m.contains(text));
  }

  @Test
  void rejectAndNumericRepliesCarryTheTableText() throws Exception {
    try (SmtpScript s = session("127.0.0.1", "spammer@bad.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("554 5.7.1 <spammer@bad.example>: Sender address rejected: go away");
    }
    try (SmtpScript s = session("127.0.0.1", "other@bad.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("554 5.7.9 <other@bad.example>: Sender address rejected: domain blocked");
    }
    try (SmtpScript s = session("127.0.0.1", "x@sub.bad.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("554 5.7.9 <x@sub.bad.example>: Sender address rejected: domain blocked");
    }
    try (SmtpScript s = session("127.0.0.1", "a@code.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("421 4.7.0 <a@code.example>: Sender address rejected: not now");
    }
    try (SmtpScript s = session("127.0.0.1", "a@plain.example")) {
      s.send("RCPT TO:<postmaster@example.test>").expect("554 5.7.1 <postmaster@example.test>: Recipient address rejected: no such mailbox here");
    }
    try (SmtpScript s = session("127.0.99.1", "a@plain.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("554 5.7.1 <unknown[127.0.99.1]>: Client host rejected: client blocked");
    }
    assertThat(logLines()).anySatisfy(l -> assertThat(l)
        .startsWith("policy: reject stage=sender client=unknown[127.0.0.1]")
        .contains("check=check_sender_access reply=\"554 5.7.1\"")
        .contains("senders: spammer@bad.example REJECT go away"));
  }

  @Test
  void deferAnswers450() throws Exception {
    try (SmtpScript s = session("127.0.0.1", "a@defer.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("450 4.7.1 <a@defer.example>: Sender address rejected: try again later");
    }
  }

  @Test
  void okOverridesALaterRejectOfTheSameList() throws Exception {
    // without the table entry, reject_unknown_sender_domain refuses nowhere.example (no DNS records)
    try (SmtpScript s = session("127.0.0.1", "other@nowhere.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("550 5.1.8 *");
    }
    try (SmtpScript s = session("127.0.0.1", "ok@nowhere.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("250 2.1.5 *");
    }
    // the full address is looked up before its domain
    try (SmtpScript s = session("127.0.0.1", "friend@bad.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("250 2.1.5 *");
      String marker = data(s, "250 2.0.0 Ok: queued as *");
      t.awaitMessageContaining("bob@example.test", marker);
    }
  }

  @Test
  void discardIsAcknowledgedAndDeliveredToNoOne() throws Exception {
    String marker;
    try (SmtpScript s = session("127.0.0.1", "a@discard.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("250 2.1.5 *");
      marker = data(s, "250 2.0.0 Ok: * discarded");
    }
    // a later message to the same mailbox arrives; the discarded one never does
    try (SmtpScript s = session("127.0.0.1", "a@plain.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("250 2.1.5 *");
      t.awaitMessageContaining("bob@example.test", data(s, "250 2.0.0 Ok: queued as *"));
    }
    assertThat(anyMessageContains("bob@example.test", marker)).isFalse();
    QueueAdmin admin = new QueueAdmin(t.server.spool(), t.server.queue());
    for (QueuedMessage m : admin.list()) {
      assertThat(Files.readString(m.file())).doesNotContain(marker);
    }
  }

  @Test
  void holdPutsTheMessageInTheHoldQueue() throws Exception {
    String id;
    try (SmtpScript s = session("127.0.0.1", "a@hold.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("250 2.1.5 *");
      data(s, "250 2.0.0 Ok: queued as * (on hold)");
      id = s.lastReply().getFirst().split(" ")[5];
    }
    QueueAdmin admin = new QueueAdmin(t.server.spool(), t.server.queue());
    QueuedMessage held = admin.show(id).orElseThrow();
    assertThat(held.held()).isTrue();
    assertThat(held.envelope().recipientAddresses()).containsExactly("bob@example.test");
    assertThat(held.envelope().sender()).isEqualTo("a@hold.example");
    assertThat(logLines()).anySatisfy(l -> assertThat(l).startsWith("policy: hold stage=sender").contains("held for review"));
  }

  @Test
  void redirectDeliversToTheOtherAddressOnly() throws Exception {
    String marker;
    try (SmtpScript s = session("127.0.0.1", "a@redirect.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("250 2.1.5 *");
      marker = data(s, "250 2.0.0 Ok: queued as *");
    }
    t.awaitMessageContaining("alice@example.test", marker);
    assertThat(anyMessageContains("bob@example.test", marker)).isFalse();
  }

  @Test
  void prependAddsTheHeaderField() throws Exception {
    try (SmtpScript s = session("127.0.0.1", "a@prepend.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("250 2.1.5 *");
      String m = t.awaitMessageContaining("bob@example.test", data(s, "250 2.0.0 Ok: queued as *"));
      assertThat(m).contains("X-Access: tagged\r\n");
    }
  }

  @Test
  void warnIsOnlyLogged() throws Exception {
    try (SmtpScript s = session("127.0.0.1", "a@warn.example")) {
      s.send("RCPT TO:<bob@example.test>").expect("250 2.1.5 *");
      String m = t.awaitMessageContaining("bob@example.test", data(s, "250 2.0.0 Ok: queued as *"));
      assertThat(m).doesNotContain("suspicious");
    }
    assertThat(logLines()).anySatisfy(l -> assertThat(l)
        .startsWith("policy: warn stage=sender client=unknown[127.0.0.1]")
        .contains("from=<a@warn.example>")
        .contains("WARN suspicious sender"));
  }
}
