package dev.postamt.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.MailHost;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 3464 notifications between two instances on 127.0.2.x: failures, NOTIFY, RET, double bounces. */
class DsnBounceTest {
  @TempDir Path tmp;
  private final List<MailHost> hosts = new ArrayList<>();
  private Path zone;
  private int port;
  private MailHost a;
  private MailHost b;

  @BeforeEach
  void network() throws Exception {
    port = MailHost.freePort();
    zone = tmp.resolve("zone.txt");
    Files.writeString(
        zone,
        """
        a.test.      MX 10 mx.a.test.
        mx.a.test.   A  127.0.2.2
        b.test.      MX 10 mx.b.test.
        mx.b.test.   A  127.0.2.3
        down.test.   MX 10 mx.down.test.
        mx.down.test. A 127.0.2.9
        """);
  }

  private void start(MailHost.Sections forA) throws Exception {
    a = MailHost.create(tmp, "127.0.2.2", port, "mx.a.test", "a.test", List.of("alice", "postmaster"), zone, forA);
    hosts.add(a);
    b = MailHost.create(tmp, "127.0.2.3", port, "mx.b.test", "b.test", List.of("bob"), zone, MailHost.Sections.none());
    hosts.add(b);
    a.start();
    b.start();
  }

  @AfterEach
  void stop() {
    hosts.forEach(MailHost::close);
  }

  private static MimeMessage parse(String raw) throws Exception {
    return new MimeMessage(
        Session.getInstance(new Properties()), new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void a550AtTheFarEndComesBackAsAnRfc3464Report() throws Exception {
    start(MailHost.Sections.none());
    a.send("alice@a.test", List.of("nobody@b.test"), " ORCPT=rfc822;nobody+40b.test", "Subject: lost\r\nMessage-ID: <m1@a.test>\r\n\r\nbody line\r\n");

    String raw = a.awaitMessages("alice@a.test", 1).getFirst();
    MimeMessage dsn = parse(raw);
    assertThat(raw).contains("Return-Path: <>");
    assertThat(dsn.getHeader("From")[0]).isEqualTo("Mail Delivery System <MAILER-DAEMON@mx.a.test>");
    assertThat(dsn.getHeader("Auto-Submitted")[0]).isEqualTo("auto-replied");
    assertThat(dsn.getContentType()).startsWith("multipart/report").contains("report-type=delivery-status");

    Multipart parts = (Multipart) dsn.getContent();
    assertThat(parts.getCount()).isEqualTo(3);
    assertThat(parts.getBodyPart(0).isMimeType("text/plain")).isTrue();
    assertThat((String) parts.getBodyPart(0).getContent()).contains("<nobody@b.test>: failed");

    Part status = parts.getBodyPart(1);
    assertThat(status.isMimeType("message/delivery-status")).isTrue();
    String report =
        new String(status.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).replace("\r\n ", " ");
    assertThat(report)
        .contains("Reporting-MTA: dns; mx.a.test")
        .contains("Arrival-Date: ")
        .contains("Final-Recipient: rfc822; nobody@b.test")
        .contains("Original-Recipient: rfc822; nobody@b.test")
        .contains("Action: failed")
        .contains("Status: 5.1.1")
        .contains("Remote-MTA: dns; mx.b.test")
        .containsPattern("Diagnostic-Code: smtp; 550 5\\.1\\.1 .*User unknown");

    // no RET given: the whole message comes back (as Postfix does, below the size limit)
    assertThat(parts.getBodyPart(2).isMimeType("message/rfc822")).isTrue();
    String returned = new String(parts.getBodyPart(2).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(returned).contains("Message-ID: <m1@a.test>").contains("body line");
    a.awaitEmptyQueue();
  }

  @Test
  void retHdrsReturnsOnlyTheHeaders() throws Exception {
    start(MailHost.Sections.none());
    sendWithMailParams("alice@a.test", " RET=HDRS ENVID=env+2B1", "nobody@b.test", "");

    String raw = a.awaitMessages("alice@a.test", 1).getFirst();
    assertThat(raw).contains("Content-Type: text/rfc822-headers").contains("Subject: params")
        .doesNotContain("the body text").contains("Original-Envelope-Id: env+1");
  }

  @Test
  void notifyNeverSendsNothingAndSuccessReportsDelivery() throws Exception {
    start(MailHost.Sections.none());
    sendWithMailParams("alice@a.test", "", "nobody@b.test", " NOTIFY=NEVER");
    sendWithMailParams("alice@a.test", "", "alice@a.test", " NOTIFY=SUCCESS");

    List<String> got = a.awaitMessages("alice@a.test", 2);
    a.awaitEmptyQueue();
    assertThat(a.messages("alice@a.test")).hasSize(2); // the message itself and its success notice
    String notice = got.stream().filter(m -> m.contains("multipart/report")).findFirst().orElseThrow();
    assertThat(notice).contains("Subject: Successful Mail Delivery Report").contains("Action: delivered")
        .contains("Status: 2.0.0").contains("Content-Type: text/rfc822-headers");
  }

  @Test
  void aDelayNoticeComesOnceAfterTheWarningTime() throws Exception {
    start(MailHost.Sections.none().queue("retry = [\"300ms\"]\ndelay_warning = \"1s\"\n"));
    sendWithMailParams("alice@a.test", "", "someone@down.test", " NOTIFY=DELAY,FAILURE");

    String notice = a.awaitMessages("alice@a.test", 1).getFirst();
    assertThat(notice).contains("Subject: Delayed Mail (still being retried)").contains("Action: delayed")
        .contains("Status: 4.4.1").contains("Will-Retry-Until: ");
    // more attempts happen, but no second warning
    String id = a.server().spool().ids().getFirst();
    MailHost.await(() -> attempts(id) >= 3, "three more attempts");
    assertThat(a.messages("alice@a.test")).hasSize(1);
  }

  private int attempts(String id) {
    try {
      return a.server().spool().load(id).map(m -> m.statuses().getFirst())
          .map(s -> s instanceof RecipientStatus.TempFail t ? t.attempts() : 0).orElse(0);
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  @Test
  void aBounceThatCannotBeDeliveredGoesToThePostmaster() throws Exception {
    start(MailHost.Sections.none().queue("postmaster = \"postmaster@a.test\"\n"));
    // from <> to an unknown remote user: the failure notice cannot go to the null sender
    sendWithMailParams("", "", "nobody@b.test", "");

    String notice = a.awaitMessages("postmaster@a.test", 1).getFirst();
    assertThat(notice).contains("To: <postmaster@a.test>").contains("Final-Recipient: rfc822; nobody@b.test");
    a.awaitEmptyQueue();
  }

  private void sendWithMailParams(String from, String mailParams, String to, String rcptParams) throws Exception {
    try (var s = new dev.postamt.testing.SmtpScript(new java.net.Socket(a.ip, a.port))) {
      s.expect("220 *");
      s.send("EHLO client.test").expect("250 *");
      s.send("MAIL FROM:<" + from + ">" + mailParams).expect("250 *");
      s.send("RCPT TO:<" + to + ">" + rcptParams).expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("From: <" + from + ">\r\nSubject: params\r\n\r\nthe body text\r\n.\r\n").expect("250 *");
      s.send("QUIT").expect("221 *");
    }
  }
}
