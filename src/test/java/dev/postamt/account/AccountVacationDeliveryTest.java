package dev.postamt.account;

import static dev.postamt.web.WebSessionClient.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.MailHost;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import dev.postamt.web.WebSessionClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The vacation reply set on the account page answers mail delivered over SMTP, once per sender (RFC
 * 5230 §4.2), through the server's own store of vacation replies, the one delivery reads.
 */
class AccountVacationDeliveryTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("http").user("rita").user("vic");

  @Test
  void theReplySetOnThePageAnswersEachSenderOnce() throws Exception {
    WebSessionClient c = new WebSessionClient(t);
    assertThat(c.login("rita@example.test", TestServer.PASSWORD, null).statusCode()).isEqualTo(303);
    Assumptions.assumeTrue(c.get("/account/vacation").statusCode() != 503,
        "this server keeps no vacation replies yet: Server.startWeb passes no Vacations to the AccountApp");
    HttpResponse<String> r = c.postForm("/account/vacation", form("enabled", "on", "subject", "Away",
        "body", "Back on Monday, answered from the account page."));
    assertThat(r.statusCode()).isEqualTo(200);

    for (int k = 0; k < 2; k++) {
      try (SmtpScript s = t.smtp("smtp")) {
        s.send("EHLO client.example").expect("250*");
        s.send("MAIL FROM:<vic@example.test>").expect("250*");
        s.send("RCPT TO:<rita@example.test>").expect("250*");
        s.send("DATA").expect("354*");
        s.raw("From: vic@example.test\r\nTo: rita@example.test\r\nSubject: question " + k + "\r\nMessage-ID: <q" + k
            + "@example.test>\r\n\r\nAre you there?\r\n.\r\n").expect("250*");
        s.send("QUIT").expect("221*");
      }
    }
    t.awaitMessageContaining("rita@example.test", "question 1");
    String reply = t.awaitMessageContaining("vic@example.test", "answered from the account page");
    assertThat(reply).contains("Subject: Away", "Auto-Submitted: auto-replied", "In-Reply-To: <q0@example.test>");
    MailHost.await(() -> t.server.queue().idle(), "the queue to be idle");
    long replies = 0;
    for (String m : t.messageTexts("vic@example.test")) {
      replies += m.contains("answered from the account page") ? 1 : 0;
    }
    assertThat(replies).as("one reply per sender").isEqualTo(1);
  }
}
