package dev.postamt.smtp;

import dev.postamt.store.SqliteShares;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Send-as grants ({@code postamt mailbox send-as}) at submission: only the granted user may use the shared address. */
class SubmissionSendAsTest {
  @RegisterExtension final TestServer t = TestServer.create().user("team").toml("[relay]\nnetworks = []\n");

  private SmtpScript loggedIn(String user) throws Exception {
    SmtpScript s = SmtpScript.connect(t.port("submission"));
    s.expect("220 *");
    s.send("EHLO client").read();
    s.send("STARTTLS").expect("220 *");
    s.upgradeTls();
    s.send("EHLO client").read();
    s.send("AUTH PLAIN " + SmtpTlsAuthTest.plain(user, TestServer.PASSWORD)).expect("235 *");
    return s;
  }

  @Test
  void onlyAGrantedUserSendsAsTheSharedAddress() throws Exception {
    try (SmtpScript s = loggedIn("alice@example.test")) {
      s.send("MAIL FROM:<team@example.test>").expect("553 5.7.1 *not owned by user alice@example.test");
    }
    SqliteShares shares = new SqliteShares(t.config.dataDir());
    shares.allowSendAs("team@example.test", "alice@example.test", true);
    try (SmtpScript s = loggedIn("alice@example.test")) {
      s.send("MAIL FROM:<Team@example.test>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("From: Team <team@example.test>\r\nSubject: from the team\r\n\r\nhi\r\n.\r\n").expect("250 *");
    }
    t.awaitMessageContaining("bob@example.test", "from the team");
    try (SmtpScript s = loggedIn("bob@example.test")) {
      s.send("MAIL FROM:<team@example.test>").expect("553 5.7.1 *not owned by user bob@example.test");
    }
    shares.allowSendAs("team@example.test", "alice@example.test", false);
    try (SmtpScript s = loggedIn("alice@example.test")) {
      s.send("MAIL FROM:<team@example.test>").expect("553 5.7.1 *");
    }
  }
}
