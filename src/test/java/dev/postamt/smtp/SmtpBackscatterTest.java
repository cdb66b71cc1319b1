package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An outsider who forges MAIL FROM must not be able to make us mail reports to the forged address:
 * NOTIFY=SUCCESS is not honoured for clients outside relay.networks that did not authenticate,
 * bounces to them carry headers only, and an alias that can only bounce is refused at RCPT. Here the
 * forged sender is a local user, bob, so that whatever we send him can be seen in his mailbox.
 */
class SmtpBackscatterTest {
  @TempDir Path dir;
  TestServer t;

  private static final String ZONE =
      """
      live.test.     MX 10 mx.live.test.
      mx.live.test.  A  192.0.2.1
      loop.test.     CNAME loop.test.
      nullmx.test.   MX 0 .
      ; the outside senders' domain exists (the default [policy] refuses unknown sender domains)
      remote.example. MX 10 nohost.remote.example.
      """;

  private TestServer start(String extra) throws Exception {
    Files.writeString(dir.resolve("zone.txt"), ZONE);
    t = TestServer.start(dir, "[queue]\nretry = [\"1h\"]\n" + extra);
    return t;
  }

  @AfterEach
  void stop() {
    if (t != null) {
      t.close();
    }
  }

  private static SmtpScript from(TestServer t, String mailFrom) throws Exception {
    SmtpScript s = SmtpScript.connect(t.port("smtp"));
    s.expect("220 *");
    s.send("EHLO attacker.example").read();
    s.send("MAIL FROM:<" + mailFrom + ">").expect("250 2.1.0 Ok");
    return s;
  }

  private static void data(SmtpScript s, String body) throws Exception {
    s.send("DATA").expect("354 *");
    s.raw("Subject: payload\r\n\r\n" + body + "\r\n.\r\n").expect("250 2.0.0 Ok: queued as *");
  }

  private void awaitIdle() throws Exception {
    Thread.sleep(300);
    for (int i = 0; i < 500 && !t.server.queue().idle(); i++) {
      Thread.sleep(10);
    }
    Thread.sleep(300);
  }

  @Test
  void anOutsidersNotifySuccessIsNotHonoured() throws Exception {
    start("[relay]\nnetworks = []\n");
    try (SmtpScript s = from(t, "bob@example.test")) {
      for (int i = 0; i < 100; i++) {
        s.send("RCPT TO:<alice@example.test> NOTIFY=SUCCESS").expect("250 2.1.5 Ok");
      }
      data(s, "x");
    }
    assertThat(t.awaitMessages("alice@example.test", 1)).hasSize(1);
    awaitIdle();
    assertThat(t.messages("bob@example.test")).isEmpty(); // no success report to the forged sender
    assertThat(t.messages("alice@example.test")).hasSize(1);
  }

  @Test
  void aTrustedClientsNotifySuccessIsHonoured() throws Exception {
    start(""); // loopback is in relay.networks by default
    try (SmtpScript s = from(t, "bob@example.test")) {
      s.send("RCPT TO:<alice@example.test> NOTIFY=SUCCESS").expect("250 2.1.5 Ok");
      s.send("RCPT TO:<alice@example.test> NOTIFY=SUCCESS").expect("250 2.1.5 Ok");
      data(s, "x");
    }
    String report = t.awaitMessageContaining("bob@example.test", "Successful Mail Delivery Report");
    assertThat(report.split("Final-Recipient: ", -1)).hasSize(2); // one line: the duplicate collapsed
  }

  @Test
  void aBounceToAnOutsiderCarriesHeadersOnlyEvenWithRetFull() throws Exception {
    start("[relay]\nnetworks = []\n[transport]\n\"old.test\" = \"error:5.1.2 gone\"\n");
    t.server.directory().addAlias("moved@example.test", List.of("someone@old.test"));
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO attacker.example").read();
      s.send("MAIL FROM:<bob@example.test> RET=FULL").expect("250 2.1.0 Ok");
      s.send("RCPT TO:<moved@example.test>").expect("250 2.1.5 Ok");
      data(s, "ATTACKER PAYLOAD");
    }
    String bounce = t.awaitMessageContaining("bob@example.test", "Undelivered Mail Returned to Sender");
    assertThat(bounce).contains("Content-Type: text/rfc822-headers").contains("Subject: payload");
    assertThat(bounce).doesNotContain("ATTACKER PAYLOAD");
  }

  @Test
  void anAliasWhoseOnlyTargetDomainDoesNotExistIsRefusedAtRcpt() throws Exception {
    start("[relay]\nnetworks = []\n");
    t.server.directory().addAlias("dead@example.test", List.of("x@nowhere.test"));
    t.server.directory().addAlias("nomail@example.test", List.of("x@nullmx.test"));
    t.server.directory().addAlias("unsure@example.test", List.of("x@loop.test", "y@nowhere.test"));
    t.server.directory().addAlias("mixed@example.test", List.of("x@nowhere.test", "alice@example.test"));
    t.server.directory().addAlias("away@example.test", List.of("x@live.test"));
    try (SmtpScript s = from(t, "someone@remote.example")) {
      s.send("RCPT TO:<dead@example.test>").expect("550 5.1.2 <dead@example.test>: Recipient address rejected: *");
      s.send("RCPT TO:<nomail@example.test>").expect("550 5.1.2 *");
      // a DNS failure is never permanent
      s.send("RCPT TO:<unsure@example.test>").expect("450 4.4.3 *");
      s.send("RCPT TO:<mixed@example.test>").expect("250 2.1.5 Ok");
      s.send("RCPT TO:<away@example.test>").expect("250 2.1.5 Ok");
    }
  }
}
