package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RFC 5233 over SMTP: {@code alice+lists@} is accepted at RCPT and lands in alice's mailbox. */
class SmtpSubaddressTest {
  @RegisterExtension
  final TestServer t =
      TestServer.create()
          .toml("[relay]\nnetworks = []\n")
          .zone("remote.example. MX 10 nohost.remote.example.\n"); // the default [policy] refuses unknown sender domains

  @Test
  void aRecipientWithADetailIsAcceptedAndDeliveredToTheUser() throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<someone@remote.example>").expect("250 2.1.0 Ok");
      s.send("RCPT TO:<alice+lists@example.test>").expect("250 2.1.5 Ok");
      s.send("RCPT TO:<nobody+lists@example.test>").expect("550 5.1.1 *");
      s.send("DATA").expect("354 *");
      s.raw("Subject: with a detail\r\n\r\nbody\r\n.\r\n").expect("250 2.0.0 Ok: queued as *");
      s.send("QUIT").expect("221 *");
    }
    assertThat(t.awaitMessageContaining("alice@example.test", "Subject: with a detail")).isNotEmpty();
  }
}
