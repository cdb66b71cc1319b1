package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** LMTP (RFC 2033): LHLO, local recipients only, a reply per recipient after DATA. */
class LmtpTest {
  @TempDir static Path dir;
  @RegisterExtension static final TestServer t = TestServer.create();

  @Test
  void transcript() throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("lmtp"))) {
      s.expect("220 mx.example.test LMTP Postamt");
      s.send("EHLO x").expect("500 5.5.1 Error: this is LMTP; use LHLO");
      s.send("LHLO client").read();
      assertThat(s.lastReply()).noneMatch(l -> l.contains("STARTTLS") || l.contains("AUTH"));
      s.send("MAIL FROM:<a@remote.example>").expect("250 *");
      s.send("RCPT TO:<alice@example.test>").expect("250 *");
      s.send("RCPT TO:<someone@remote.example>").expect("550 5.1.2 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("Subject: lmtp\r\n\r\nx\r\n.\r\n");
      s.expect("250 2.1.5 <alice@example.test> Ok: queued as *");
      s.expect("250 2.1.5 <bob@example.test> Ok: queued as *");
    }
    assertThat(Files.readString(t.awaitMessages("bob@example.test", 1).getFirst())).contains("with LMTP id");
  }

  /** RFC 2033 §4.2: one reply per accepted RCPT, a repeated recipient included (it gets one copy). */
  @Test
  void aRepeatedRecipientStillGetsItsReplyAfterTheData() throws Exception {
    int before = t.messages("bob@example.test").size();
    try (SmtpScript s = SmtpScript.connect(t.port("lmtp"))) {
      s.expect("220 *");
      s.send("LHLO client").read();
      s.send("MAIL FROM:<a@remote.example>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("RCPT TO:<Bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("Subject: lmtp twice\r\n\r\nx\r\n.\r\n");
      s.expect("250 2.1.5 <bob@example.test> Ok: queued as *");
      s.expect("250 2.1.5 <Bob@example.test> Ok: queued as *");
      s.send("NOOP").expect("250 2.0.0 Ok");
    }
    assertThat(t.awaitMessageContaining("bob@example.test", "Subject: lmtp twice")).isNotEmpty();
    Thread.sleep(300);
    assertThat(t.messages("bob@example.test")).hasSize(before + 1);
  }

  @Test
  void pythonSmtplibLmtp() throws Exception {
    String script =
        """
        import smtplib, sys
        l = smtplib.LMTP("127.0.0.1", int(sys.argv[1]))
        refused = l.sendmail("x@remote.example", ["alice@example.test"], "Subject: py lmtp\\r\\n\\r\\nhi\\r\\n")
        assert refused == {}, refused
        l.quit()
        print("ok")
        """;
    Path py = dir.resolve("lmtp.py");
    Files.writeString(py, script);
    Process p = new ProcessBuilder("python3", py.toString(), String.valueOf(t.port("lmtp"))).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out).as(out).contains("ok");
    // alice may already have mail from another test of this class: wait for this very message
    assertThat(t.awaitMessageContaining("alice@example.test", "Subject: py lmtp")).isNotEmpty();
  }
}
