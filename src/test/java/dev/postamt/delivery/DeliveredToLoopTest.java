package dev.postamt.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Postfix local(8)'s loop check: a message that already says {@code Delivered-To: alice@example.test}
 * is not put into alice's mailbox again; the sender gets a 5.4.6 bounce. Another user's Delivered-To
 * (an ordinary forward from elsewhere) is no obstacle.
 */
class DeliveredToLoopTest {
  @TempDir Path dir;

  private static void send(TestServer t, String to, String message) throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<bob@example.test>").expect("250 *");
      s.send("RCPT TO:<" + to + ">").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw(message + ".\r\n").expect("250 *");
      s.send("QUIT").expect("221 *");
    }
  }

  @Test
  void aMessageThatWasDeliveredToTheUserBeforeBouncesAsALoop() throws Exception {
    try (TestServer t = TestServer.start(dir)) {
      send(t, "alice@example.test",
          "Delivered-To: someone@elsewhere.example\r\nDelivered-To: Alice@Example.test\r\nSubject: looped\r\n\r\nbody\r\n");
      send(t, "alice@example.test",
          "Delivered-To: someone@elsewhere.example\r\nSubject: forwarded once\r\n\r\nDelivered-To: alice@example.test\r\n");

      String bounce = t.awaitMessageContaining("bob@example.test", "5.4.6");
      assertThat(bounce).contains("mail forwarding loop for alice@example.test").contains("Subject: looped");
      // the second message (its Delivered-To for alice is in the body, not the header) is delivered
      assertThat(t.awaitMessageContaining("alice@example.test", "Subject: forwarded once")).isNotEmpty();
      assertThat(t.messages("alice@example.test")).hasSize(1);
    }
  }
}
