package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.directory.Directory;
import dev.postamt.queue.QueuedMessage;
import dev.postamt.queue.RecipientStatus;
import dev.postamt.store.Account;
import dev.postamt.store.MailboxInfo;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Full mailboxes: refused at RCPT with {@code 452 4.2.2} on every listener, and deferred by the queue
 * (4.2.2) until space is freed or the limit raised.
 */
class SmtpQuotaTest {
  // Retries an hour apart: the test decides when the queue tries again (like postqueue -f). No spam scan:
  // its X-Spam-* fields would change the sizes the quotas here are computed from.
  @RegisterExtension final TestServer t = TestServer.create().toml("[queue]\nretry = [\"1h\"]\n[spam]\nenabled = false\n");
  Directory directory;

  @BeforeEach
  void start() throws Exception {
    directory = t.server.directory();
  }

  /** Sends one message on port 25; returns its queue id. */
  String send(String to, String body) throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      s.send("RCPT TO:<" + to + ">").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("Subject: q\r\n\r\n" + body + "\r\n.\r\n").expect("250 2.0.0 Ok: queued as *");
      String last = s.lastReply().getLast();
      return last.substring(last.lastIndexOf(' ') + 1);
    }
  }

  /**
   * Waits (bounded) until the queue has recorded a deferral for the message and finished the attempt
   * (a flush during the attempt would be overtaken by its rescheduling); returns the reason.
   */
  String awaitDeferred(String id) throws Exception {
    Instant end = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(end)) {
      Optional<QueuedMessage> m = t.server.spool().load(id);
      if (m.isPresent() && m.get().statuses().getFirst() instanceof RecipientStatus.TempFail f && t.server.queue().idle()) {
        return f.reason();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("message " + id + " was not deferred");
  }

  @Test
  void fullMailboxIsRefusedAtRcptOnEveryListener() throws Exception {
    send("alice@example.test", "x".repeat(2000));
    t.awaitMessages("alice@example.test", 1);
    directory.setStorageQuota("alice@example.test", OptionalLong.of(1000)); // now over

    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      s.send("RCPT TO:<Alice@example.test>").expect("452 4.2.2 <Alice@example.test>: Recipient address rejected: Mailbox full");
      s.send("RCPT TO:<bob@example.test>").expect("250 *"); // others are not affected
      s.send("RCPT TO:<postmaster@example.test>").read(); // never refused for being full (RFC 5321 §4.5.1)
      assertThat(s.lastReply().getLast()).doesNotStartWith("452");
    }
    try (SmtpScript s = SmtpScript.connect(t.port("lmtp"))) {
      s.expect("220 *");
      s.send("LHLO client").read();
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      s.send("RCPT TO:<alice@example.test>").expect("452 4.2.2 *Mailbox full");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("Subject: lmtp\r\n\r\nx\r\n.\r\n");
      s.expect("250 2.1.5 <bob@example.test> Ok: queued as *"); // one reply: bob is the only recipient
      s.send("NOOP").expect("250 *");
    }
    try (SmtpScript s = SmtpScript.connect(t.port("submission"))) {
      s.expect("220 *");
      s.send("EHLO client").read();
      s.send("STARTTLS").expect("220 *");
      s.upgradeTls();
      s.send("EHLO client").read();
      String plain = Base64.getEncoder().encodeToString("\0bob@example.test\0secret".getBytes(StandardCharsets.UTF_8));
      s.send("AUTH PLAIN " + plain).expect("235 *");
      s.send("MAIL FROM:<bob@example.test>").expect("250 *");
      s.send("RCPT TO:<alice@example.test>").expect("452 4.2.2 *");
    }
    directory.setStorageQuota("alice@example.test", OptionalLong.empty()); // back to the default: unlimited
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      s.send("RCPT TO:<alice@example.test>").expect("250 *");
    }
  }

  @Test
  void declaredSizeThatWouldNotFitIsRefusedAtRcpt() throws Exception {
    directory.setStorageQuota("alice@example.test", OptionalLong.of(10_000));
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<sender@remote.example> SIZE=20000").expect("250 *");
      s.send("RCPT TO:<alice@example.test>").expect("452 4.2.2 *");
      s.send("RSET").expect("250 *");
      s.send("MAIL FROM:<sender@remote.example> SIZE=5000").expect("250 *");
      s.send("RCPT TO:<alice@example.test>").expect("250 *");
    }
  }

  @Test
  void overQuotaDeliveryIsDeferredThenDeliveredWhenTheQuotaIsRaised() throws Exception {
    directory.setStorageQuota("alice@example.test", OptionalLong.of(3000));
    send("alice@example.test", "a".repeat(2000));
    t.awaitMessages("alice@example.test", 1);
    // not full yet, so RCPT accepts; but this one would cross the limit: deferred, not bounced
    String id = send("alice@example.test", "b".repeat(2000));
    assertThat(awaitDeferred(id)).startsWith("4.2.2 <alice@example.test>: Mailbox full");
    assertThat(t.messages("alice@example.test")).hasSize(1);

    directory.setStorageQuota("alice@example.test", OptionalLong.of(10_000));
    t.server.queue().flush();
    assertThat(t.awaitMessages("alice@example.test", 2)).hasSize(2);
    assertThat(t.awaitMessageContaining("alice@example.test", "bbbb")).contains("Delivered-To: alice@example.test");
  }

  @Test
  void overQuotaDeliveryIsDeliveredOnceTheUserFreesSpace() throws Exception {
    directory.setStorageQuota("alice@example.test", OptionalLong.of(3000));
    send("alice@example.test", "first " + "a".repeat(2000));
    t.awaitMessages("alice@example.test", 1);
    String id = send("alice@example.test", "second " + "b".repeat(2000));
    assertThat(awaitDeferred(id)).startsWith("4.2.2 ");

    try (Account a = t.server.store().open("alice@example.test")) { // as an IMAP client would
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      a.store(inbox.id(), List.of(1L), Account.FlagMode.ADD, List.of("\\Deleted"));
      a.expunge(inbox.id(), Optional.empty());
    }
    t.server.queue().flush();
    assertThat(t.awaitMessageContaining("alice@example.test", "second")).doesNotContain("first");
    assertThat(t.awaitMessages("alice@example.test", 1)).hasSize(1);
  }
}
