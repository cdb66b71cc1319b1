package dev.postamt.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.FakeSmtpServer;
import dev.postamt.testing.MailHost;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbound client against scripted peers on 127.0.4.x, reached through MX records: HELO fallback,
 * pipelining or not, the next MX on 4xx, SIZE and 8BITMIME refusals, connection reuse.
 */
class SmtpClientTest {
  @TempDir Path tmp;
  private final List<AutoCloseable> open = new ArrayList<>();
  private int port;
  private MailHost a;

  @BeforeEach
  void network() throws Exception {
    port = MailHost.freePort();
    Path zone = tmp.resolve("zone.txt");
    Files.writeString(
        zone,
        """
        a.test.       MX 10 mx.a.test.
        mx.a.test.    A  127.0.4.2
        peer.test.    MX 10 mx1.peer.test.
                      MX 20 mx2.peer.test.
        mx1.peer.test. A 127.0.4.3
        mx2.peer.test. A 127.0.4.4
        """);
    a = MailHost.create(tmp, "127.0.4.2", port, "mx.a.test", "a.test", List.of("alice"), zone,
        MailHost.Sections.none().queue("retry = [\"1h\"]\n"));
    open.add(a);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  private FakeSmtpServer fake(String ip) throws Exception {
    FakeSmtpServer f = new FakeSmtpServer(new InetSocketAddress(ip, port), false);
    open.add(f);
    return f;
  }

  @Test
  void fallsBackToHeloAndSendsCommandByCommandWithoutPipelining() throws Exception {
    FakeSmtpServer mx1 = fake("127.0.4.3");
    mx1.ehlo = false;
    a.start();

    a.send("alice@a.test", "x@peer.test", "old peer");

    MailHost.await(() -> mx1.messages.size() == 1, "delivery to the old peer");
    assertThat(mx1.commands).startsWith("EHLO mx.a.test", "HELO mx.a.test", "MAIL FROM:<alice@a.test>", "RCPT TO:<x@peer.test>", "DATA");
    a.awaitEmptyQueue();
  }

  /**
   * A message stored with bare line ends (spooled before the server refused them, or from a local
   * source) goes out with CRLF only: the hidden {@code <LF>.<LF>} cannot end the data at a peer that
   * takes LF as a line end, so the lines after it stay text and never become commands.
   */
  @Test
  void aStoredMessageWithBareLineEndsCannotSmuggleACommandToTheNextHop() throws Exception {
    FakeSmtpServer mx1 = fake("127.0.4.3");
    a.start();
    dev.postamt.queue.DurableSpool spool = a.server().spool();
    String id = dev.postamt.queue.DurableSpool.newId();
    try (dev.postamt.queue.DurableSpool.Writer w = spool.create(id)) {
      w.out().write("Subject: old\r\n\r\nfirst\n.\nMAIL FROM:<evil@x.test>\nRCPT TO:<victim@peer.test>\nDATA\nsmuggled\r.\r"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      w.commit(
          new dev.postamt.queue.Envelope(id, java.time.Instant.now(), "alice@a.test",
              List.of(dev.postamt.queue.Envelope.Recipient.of("x@peer.test")), "7BIT", false, java.util.Optional.empty(),
              java.util.Optional.empty(), "local", "", java.util.Optional.empty(), "ESMTP"),
          "");
    }
    a.server().queue().submit(id);

    MailHost.await(() -> mx1.messages.size() == 1, "delivery to the peer");
    a.awaitEmptyQueue();
    assertThat(mx1.messages).hasSize(1);
    assertThat(mx1.commands).noneMatch(c -> c.contains("evil") || c.contains("victim"));
    assertThat(mx1.messages.getFirst()).contains("first\r\n.\r\nMAIL FROM:<evil@x.test>\r\n").contains("smuggled\r\n.\r\n");
  }

  @Test
  void pipelinesMailRcptAndDataAndPassesDsnParameters() throws Exception {
    FakeSmtpServer mx1 = fake("127.0.4.3");
    a.start();

    a.send("alice@a.test", List.of("x@peer.test", "y@peer.test"), " NOTIFY=FAILURE", "Subject: p\r\n\r\nbody\r\n");

    MailHost.await(() -> mx1.messages.size() == 1, "one transaction");
    assertThat(mx1.commands).anyMatch(c -> c.matches("MAIL FROM:<alice@a.test> SIZE=\\d+"));
    assertThat(mx1.commands).contains("RCPT TO:<x@peer.test> NOTIFY=FAILURE", "RCPT TO:<y@peer.test> NOTIFY=FAILURE");
  }

  @Test
  void triesTheNextMxAfterA4xxAndBouncesA5xx() throws Exception {
    FakeSmtpServer mx1 = fake("127.0.4.3");
    FakeSmtpServer mx2 = fake("127.0.4.4");
    mx1.rcptReply = r -> r.startsWith("later") ? "451 4.3.0 try again" : r.startsWith("never") ? "550 5.1.1 unknown" : "250 Ok";
    a.start();

    a.send("alice@a.test", List.of("later@peer.test", "never@peer.test", "now@peer.test"), "", "Subject: m\r\n\r\nb\r\n");

    MailHost.await(() -> mx2.messages.size() == 1 && mx1.messages.size() == 1, "both MX hosts to get one copy");
    assertThat(mx2.commands).contains("RCPT TO:<later@peer.test>").doesNotContain("RCPT TO:<never@peer.test>");
    String bounce = a.awaitMessages("alice@a.test", 1).getFirst();
    assertThat(bounce).contains("Final-Recipient: rfc822; never@peer.test").doesNotContain("Final-Recipient: rfc822; later@peer.test");
    a.awaitEmptyQueue();
  }

  @Test
  void bouncesWhatThePeerCannotTake() throws Exception {
    FakeSmtpServer mx1 = fake("127.0.4.3");
    mx1.capabilities = List.of("PIPELINING", "SIZE 1500");
    a.start();

    a.send("alice@a.test", "big@peer.test", "x".repeat(2000));
    try (var s = new dev.postamt.testing.SmtpScript(new java.net.Socket(a.ip, a.port))) {
      s.expect("220 *").send("EHLO c").expect("250 *");
      s.send("MAIL FROM:<alice@a.test> BODY=8BITMIME").expect("250 *");
      s.send("RCPT TO:<eight@peer.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.rawBytes("Subject: 8\r\n\r\ngr\u00fc\u00dfe\r\n.\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)).expect("250 *");
    }

    List<String> bounces = a.awaitMessages("alice@a.test", 2);
    assertThat(bounces).anyMatch(b -> b.contains("Status: 5.3.4") && b.contains("big@peer.test"));
    assertThat(bounces).anyMatch(b -> b.contains("Status: 5.6.3") && b.contains("eight@peer.test"));
    assertThat(mx1.messages).isEmpty();
  }

  @Test
  void sendsAnAsciiMessageDeclared8BitToAPeerWithout8BitMime() throws Exception {
    FakeSmtpServer mx1 = fake("127.0.4.3");
    mx1.capabilities = List.of("PIPELINING");
    a.start();
    try (var s = new dev.postamt.testing.SmtpScript(new java.net.Socket(a.ip, a.port))) {
      s.expect("220 *").send("EHLO c").expect("250 *");
      s.send("MAIL FROM:<alice@a.test> BODY=8BITMIME").expect("250 *");
      s.send("RCPT TO:<x@peer.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("Subject: plain\r\n\r\nplain ascii\r\n.\r\n").expect("250 *");
    }
    MailHost.await(() -> mx1.messages.size() == 1, "delivery");
    assertThat(mx1.commands).contains("MAIL FROM:<alice@a.test>");
  }

  @Test
  void splitsManyRecipientsIntoTransactionsOfFifty() throws Exception {
    FakeSmtpServer mx1 = fake("127.0.4.3");
    a.start();
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      many.add("r" + i + "@peer.test");
    }

    a.send("alice@a.test", many, "", "Subject: many\r\n\r\nhi\r\n");

    MailHost.await(() -> mx1.messages.size() == 3, "three transactions");
    assertThat(mx1.connections).isEqualTo(1);
    assertThat(mx1.commands.stream().filter(c -> c.startsWith("RCPT")).count()).isEqualTo(120);
    a.awaitEmptyQueue();
  }

  @Test
  void reusesOneConnectionForSeveralMessages() throws Exception {
    FakeSmtpServer mx1 = fake("127.0.4.3");
    a.start();

    for (int i = 0; i < 3; i++) {
      a.send("alice@a.test", "x@peer.test", "message " + i);
      int n = i + 1;
      MailHost.await(() -> mx1.messages.size() == n, "message " + n);
    }
    assertThat(mx1.connections).isEqualTo(1);
    assertThat(mx1.commands).contains("RSET");
  }
}
