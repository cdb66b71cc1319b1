package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SMTP smuggling (CVE-2023-51764 class): a message that hides a second transaction behind a
 * non-standard end-of-data marker must neither end early nor be accepted.
 */
class SmtpSmugglingTest {
  @RegisterExtension static final TestServer t = TestServer.create();

  @ParameterizedTest
  @ValueSource(strings = {"\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r", "\r.\r\n", "\r\n.\r"})
  void hiddenEndMarkersNeverEndTheMessageAndTheMessageIsRefused(String marker) throws Exception {
    String user = "alice@example.test";
    int before = t.messages(user).size() + t.messages("bob@example.test").size();
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client").read();
      s.send("MAIL FROM:<a@outside.example>").expect("250 *");
      s.send("RCPT TO:<" + user + ">").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("Subject: one\r\n\r\nfirst" + marker
          + "MAIL FROM:<admin@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n");
      s.expect("550 5.5.2 *bare*");
      s.send("NOOP").expect("250 2.0.0 Ok");
    }
    // nothing was queued: neither the carrier nor the smuggled message
    Thread.sleep(200); // a wrongly queued message would be delivered within this time
    assertThat(t.messages(user).size() + t.messages("bob@example.test").size()).isEqualTo(before);
  }
}
