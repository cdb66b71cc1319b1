package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.queue.QueuedMessage;
import dev.postamt.queue.RecipientStatus;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mail for local mailboxes only is in the Maildirs before the {@code 250} (and leaves no queue file);
 * anything else, or a delivery that cannot finish, takes the durable queue, which does not write a
 * second copy of what was already delivered.
 */
class SmtpDirectDeliveryTest {
  @TempDir Path dir;

  private static String send(TestServer t, List<String> to, String notify, String body) throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      for (String r : to) {
        s.send("RCPT TO:<" + r + ">" + notify).expect("250 *");
      }
      s.send("DATA").expect("354 *");
      s.raw("Subject: direct\r\n\r\n" + body + "\r\n.\r\n").expect("250 2.0.0 Ok: queued as *");
      String last = s.lastReply().getLast();
      return last.substring(last.lastIndexOf(' ') + 1);
    }
  }

  private static long filesIn(Path d) throws Exception {
    try (Stream<Path> s = Files.list(d)) {
      return s.count();
    }
  }

  @Test
  void localMailIsInTheMaildirWhenThe250Arrives() throws Exception {
    try (TestServer t = TestServer.start(dir)) {
      send(t, List.of("alice@example.test", "bob@example.test"), "", "hello");
      // no waiting: both copies are there, fsync'd, before the reply was sent
      assertThat(t.messages("alice@example.test")).hasSize(1);
      assertThat(t.messages("bob@example.test")).hasSize(1);
      assertThat(filesIn(dir.resolve("data/queue/active"))).isZero();
      assertThat(filesIn(dir.resolve("data/queue/incoming"))).isZero();
    }
  }

  @Test
  void aSuccessNoticeRequestTakesTheQueue() throws Exception {
    // the notice to the unresolvable remote sender bounces; not to alice, the default postmaster
    try (TestServer t = TestServer.start(dir, "[queue]\npostmaster = \"nobody@example.test\"\n")) {
      send(t, List.of("alice@example.test"), " NOTIFY=SUCCESS", "hello");
      assertThat(t.awaitMessageContaining("alice@example.test", "Subject: direct")).isNotEmpty();
      // the queue delivered it and sent the success notice to the (remote) sender: the queue ran
      assertThat(t.messages("alice@example.test")).hasSize(1);
    }
  }

  @Test
  void aDeliveryThatCannotFinishIsQueuedWithoutDuplicatingTheCopiesWritten() throws Exception {
    try (TestServer t = TestServer.start(dir, "[queue]\nretry = [\"1h\"]\n")) {
      // bob's mailbox takes 1000 bytes: under the limit at RCPT, but this message does not fit
      t.server.directory().setStorageQuota("bob@example.test", OptionalLong.of(1000));
      String id = send(t, List.of("alice@example.test", "bob@example.test"), "", "x".repeat(3000));
      assertThat(t.messages("alice@example.test")).hasSize(1); // written before the reply
      Instant end = Instant.now().plus(Duration.ofSeconds(20));
      Optional<QueuedMessage> m = t.server.spool().load(id);
      while ((m.isEmpty() || !(m.get().statuses().get(1) instanceof RecipientStatus.TempFail) || !t.server.queue().idle())
          && Instant.now().isBefore(end)) {
        Thread.sleep(20);
        m = t.server.spool().load(id);
      }
      assertThat(m).isPresent();
      assertThat(m.get().statuses().get(0)).isInstanceOf(RecipientStatus.Delivered.class);
      assertThat(m.get().statuses().get(1)).isInstanceOf(RecipientStatus.TempFail.class);
      assertThat(t.messages("alice@example.test")).hasSize(1); // found by name, not written twice
      assertThat(t.messages("bob@example.test")).isEmpty();

      t.server.directory().setStorageQuota("bob@example.test", OptionalLong.empty());
      t.server.queue().flush();
      assertThat(t.awaitMessages("bob@example.test", 1)).hasSize(1);
      assertThat(t.messages("alice@example.test")).hasSize(1);
    }
  }
}
