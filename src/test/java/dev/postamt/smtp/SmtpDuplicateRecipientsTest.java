package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recipient named twice in one transaction, directly or through an alias, gets one copy (Postfix's
 * cleanup duplicate filter); every RCPT is still answered, and each counts against limits.recipients.
 */
class SmtpDuplicateRecipientsTest {
  @TempDir Path dir;
  TestServer t;

  @BeforeEach
  void start() throws Exception {
    t = TestServer.start(dir, "[limits]\nrecipients = 250\n");
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private void send(List<String> rcpts, String lastRcptReply) throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<sender@remote.example>").expect("250 2.1.0 Ok");
      for (int i = 0; i < rcpts.size(); i++) {
        s.send("RCPT TO:<" + rcpts.get(i) + ">").expect(i == rcpts.size() - 1 ? lastRcptReply : "250 2.1.5 Ok");
      }
      s.send("DATA").expect("354 *");
      s.raw("Subject: dup\r\n\r\nx\r\n.\r\n").expect("250 2.0.0 Ok: queued as *");
    }
    awaitIdle();
  }

  private void awaitIdle() throws Exception {
    for (int i = 0; i < 500 && !t.server.queue().idle(); i++) {
      Thread.sleep(10);
    }
    Thread.sleep(100);
  }

  @Test
  void twoHundredTimesTheSameRecipientIsOneCopy() throws Exception {
    send(java.util.Collections.nCopies(200, "alice@example.test"), "250 2.1.5 Ok");
    assertThat(t.messages("alice@example.test")).hasSize(1);
    assertThat(Files.readString(t.messages("alice@example.test").getFirst())).contains("\tfor <alice@example.test>; ");
  }

  @Test
  void domainCaseAndTheDirectorysLocalPartCaseAreTheSameRecipient() throws Exception {
    send(List.of("alice@example.test", "Alice@EXAMPLE.test", "ALICE@example.TEST", "bob@example.test"), "250 2.1.5 Ok");
    assertThat(t.messages("alice@example.test")).hasSize(1);
    assertThat(t.messages("bob@example.test")).hasSize(1);
  }

  @Test
  void duplicatesCountAgainstTheRecipientLimit() throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<sender@remote.example>").expect("250 2.1.0 Ok");
      for (int i = 0; i < 250; i++) {
        s.send("RCPT TO:<alice@example.test>").expect("250 2.1.5 Ok");
      }
      s.send("RCPT TO:<bob@example.test>").expect("452 4.5.3 Error: too many recipients");
    }
  }

  @Test
  void anAliasAndItsMemberNamedTogetherGiveTheMemberOneCopy() throws Exception {
    t.server.directory().addAlias("team@example.test", List.of("alice@example.test", "bob@example.test"));
    send(List.of("team@example.test", "alice@example.test"), "250 2.1.5 Ok");
    assertThat(t.messages("alice@example.test")).hasSize(1);
    assertThat(t.messages("bob@example.test")).hasSize(1);
  }

  @Test
  void twoAliasesSharingAMemberGiveItOneCopyThroughTheQueueToo() throws Exception {
    t.server.directory().addAlias("team@example.test", List.of("alice@example.test", "bob@example.test"));
    t.server.directory().addAlias("ops@example.test", List.of("bob@example.test"));
    // NOTIFY=SUCCESS keeps the message off the delivery-before-acknowledgement path: the queue delivers
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<>").expect("250 2.1.0 Ok");
      s.send("RCPT TO:<team@example.test> NOTIFY=SUCCESS").expect("250 2.1.5 Ok");
      s.send("RCPT TO:<ops@example.test>").expect("250 2.1.5 Ok");
      s.send("DATA").expect("354 *");
      s.raw("Subject: dup\r\n\r\nx\r\n.\r\n").expect("250 2.0.0 Ok: queued as *");
    }
    assertThat(t.awaitMessages("bob@example.test", 1)).hasSize(1);
    assertThat(t.awaitMessages("alice@example.test", 1)).hasSize(1);
    awaitIdle();
    assertThat(t.messages("bob@example.test")).hasSize(1);
  }

  @Test
  void aRemoteLocalPartKeepsItsCase(@TempDir Path own) throws Exception {
    // an unreachable relayhost and hourly retries: the message stays in the queue to be looked at
    try (TestServer r = TestServer.start(own, "[relay]\nrelayhost = \"[127.0.0.1]:9\"\n[queue]\nretry = [\"1h\"]\n")) {
      String id;
      try (SmtpScript s = SmtpScript.connect(r.port("smtp"))) {
        s.expect("220 *");
        s.send("EHLO client.example").read();
        s.send("MAIL FROM:<alice@example.test>").expect("250 2.1.0 Ok");
        for (String to : List.of("Bob@remote.example", "Bob@REMOTE.example", "bob@remote.example", "bob@Remote.Example")) {
          s.send("RCPT TO:<" + to + ">").expect("250 2.1.5 Ok");
        }
        s.send("DATA").expect("354 *");
        s.raw("Subject: dup\r\n\r\nx\r\n.\r\n").expect("250 2.0.0 Ok: queued as *");
        String last = s.lastReply().getLast();
        id = last.substring(last.lastIndexOf(' ') + 1);
      }
      assertThat(r.server.spool().load(id).orElseThrow().envelope().recipientAddresses())
          .containsExactly("Bob@remote.example", "bob@remote.example");
    }
  }
}
