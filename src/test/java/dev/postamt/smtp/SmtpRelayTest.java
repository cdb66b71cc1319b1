package dev.postamt.smtp;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Relay control like Postfix's permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination,
 * tested from a client that is not in relay.networks (the list is empty here).
 */
class SmtpRelayTest {
  @RegisterExtension static final TestServer t = TestServer.create()
      .zone("outside.example. MX 10 nohost.outside.example.\n") // the default [policy] refuses unknown sender domains
      .toml("[relay]\nnetworks = []\nrelay_domains = [\"backup.example\"]\n");

  private SmtpScript transaction() throws Exception {
    SmtpScript s = SmtpScript.connect(t.port("smtp"));
    s.expect("220 *");
    s.send("EHLO outside.example").read();
    s.send("MAIL FROM:<someone@outside.example>").expect("250 *");
    return s;
  }

  @Test
  void localRecipientsAreAcceptedAndUnknownOnesRefused() throws Exception {
    try (SmtpScript s = transaction()) {
      s.send("RCPT TO:<alice@example.test>").expect("250 2.1.5 Ok");
      s.send("RCPT TO:<ALICE@EXAMPLE.TEST>").expect("250 2.1.5 Ok");
      s.send("RCPT TO:<nobody@example.test>").expect("550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown");
      s.send("RCPT TO:<postmaster>").expect("250 2.1.5 Ok"); // RFC 5321 §4.5.1 (SmtpPostmasterTest)
    }
  }

  @Test
  void relayToRemoteDomainIsDenied() throws Exception {
    try (SmtpScript s = transaction()) {
      s.send("RCPT TO:<victim@remote.example>").expect("554 5.7.1 <victim@remote.example>: Relay access denied");
    }
  }

  @Test
  void backupMxDomainsAreAccepted() throws Exception {
    try (SmtpScript s = transaction()) {
      s.send("RCPT TO:<anyone@backup.example>").expect("250 2.1.5 Ok");
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "<victim%remote.example@example.test>|554 5.7.1 *",
        "<remote.example!victim@example.test>|554 5.7.1 *",
        "<@example.test:victim@remote.example>|554 5.7.1 *",
        "<\"victim@remote.example\"@example.test>|554 5.7.1 *",
        "<victim@[192.0.2.1]>|554 5.7.1 *",
        "<alice@example.test.>|501 5.1.3 *",
        "<victim@remote.example.>|501 5.1.3 *",
        "<victim@@remote.example>|501 5.1.3 *",
        "<alice@example.test|501 5.1.3 *",
      })
  void oldRelayTricksAreRefused(String path, String reply) throws Exception {
    try (SmtpScript s = transaction()) {
      s.send("RCPT TO:" + path).expect(reply);
    }
  }

  @Test
  void submissionNeedsTlsAndAuthBeforeMail() throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("submission"))) {
      s.expect("220 *");
      s.send("EHLO client").read();
      s.send("AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABzZWNyZXQ=").expect("530 5.7.0 Must issue a STARTTLS command first");
      s.send("MAIL FROM:<alice@example.test>").expect("530 5.7.0 *");
    }
  }
}
