package dev.postamt.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.imap.ImapClient;
import dev.postamt.pop3.Pop3Client;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On shutdown (SIGTERM) every session is told before it is closed, with real sockets. */
class ShutdownGoodbyeTest {
  @Test
  void idleSessionsOfEveryProtocolGetTheGoodbyeLine(@TempDir Path dir) throws Exception {
    try (TestServer t = TestServer.start(dir, "pop3 = \"127.0.0.1:0\"\npop3s = \"127.0.0.1:0\"\n");
        SmtpScript smtp = SmtpScript.connect(t.port("smtp"));
        SmtpScript lmtp = SmtpScript.connect(t.port("lmtp"));
        ImapClient imap = new ImapClient("127.0.0.1", t.port("imap"));
        Pop3Client pop3 = Pop3Client.connect(t.port("pop3"));
        Pop3Client pop3s = Pop3Client.connectTls(t.port("pop3s"))) {
      smtp.expect("220 *");
      smtp.send("EHLO client.example").read();
      lmtp.expect("220 *");
      imap.greeting();
      imap.run("L LOGIN alice@example.test " + TestServer.PASSWORD, "L OK *");
      pop3.expect("+OK *");
      pop3s.expect("+OK *");
      pop3s.login("bob@example.test", TestServer.PASSWORD); // TLS, blocked in a read when told

      long start = System.nanoTime();
      t.server.close();
      assertThat(System.nanoTime() - start).as("idle sessions do not wait for the grace time")
          .isLessThan(TimeUnit.SECONDS.toNanos(5));

      smtp.expect("421 4.3.2 mx.example.test Service shutting down");
      assertThat(smtp.closedByServer()).isTrue();
      lmtp.expect("421 4.3.2 mx.example.test Service shutting down");
      assertThat(imap.line()).isEqualTo("* BYE Server shutting down");
      pop3.expect("-ERR Server shutting down");
      pop3s.expect("-ERR Server shutting down");
    }
  }

  @Test
  void aMessageBeingReceivedFinishesThenTheSessionGets421(@TempDir Path dir) throws Exception {
    try (TestServer t = TestServer.start(dir);
        SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("Subject: in flight\r\n\r\nfirst line\r\n");

      CompletableFuture<Void> closing = CompletableFuture.runAsync(t.server::close);
      Thread.sleep(300); // the shutdown has begun and is waiting for this message
      assertThat(closing).isNotDone();

      s.raw("last line\r\n.\r\n").expect("250 *");
      s.expect("421 4.3.2 mx.example.test Service shutting down");
      closing.get(10, TimeUnit.SECONDS);
    }
    // the accepted message is in the spool or already delivered: never lost
    assertThat(java.nio.file.Files.walk(dir.resolve("data"))
            .filter(java.nio.file.Files::isRegularFile)
            .anyMatch(p -> {
              try {
                return java.nio.file.Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1).contains("in flight");
              } catch (java.io.IOException e) {
                return false;
              }
            }))
        .isTrue();
  }

  @Test
  void anAppendLiteralBeingReceivedFinishesThenByeAndAnIdleSessionGetsBye(@TempDir Path dir) throws Exception {
    try (TestServer t = TestServer.start(dir);
        ImapClient append = new ImapClient("127.0.0.1", t.port("imap"));
        ImapClient idle = new ImapClient("127.0.0.1", t.port("imap"))) {
      append.greeting();
      append.run("L LOGIN alice@example.test " + TestServer.PASSWORD, "L OK *");
      idle.greeting();
      idle.run("L LOGIN bob@example.test " + TestServer.PASSWORD, "L OK *");
      idle.run("S SELECT INBOX", "S OK *");
      idle.send("I IDLE");
      assertThat(idle.line()).startsWith("+ ");

      String message = "Subject: appended in flight\r\n\r\nbody\r\n";
      append.send("A APPEND INBOX {" + message.length() + "}");
      assertThat(append.line()).startsWith("+ ");
      append.sendRaw(message.substring(0, 10).getBytes(java.nio.charset.StandardCharsets.US_ASCII));

      CompletableFuture<Void> closing = CompletableFuture.runAsync(t.server::close);
      assertThat(idle.line()).isEqualTo("* BYE Server shutting down");
      assertThat(closing).isNotDone();

      append.sendRaw((message.substring(10) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      assertThat(append.line()).startsWith("A OK ");
      assertThat(append.line()).isEqualTo("* BYE Server shutting down");
      closing.get(10, TimeUnit.SECONDS);
      assertThat(t.messages("alice@example.test")).hasSize(1);
    }
  }
}
