package dev.postamt.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.imap.ImapServer;
import dev.postamt.net.Listener;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole path in one process: mail arrives over SMTP, is collected over POP3S, and what POP3 deletes
 * is gone for an IMAP session on the same store.
 */
class Pop3EndToEndTest {
  @RegisterExtension final TestServer t = TestServer.create().listen("pop3", "pop3s");

  void smtp(String subject) throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      s.send("RCPT TO:<alice@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("Subject: " + subject + "\r\n\r\nbody\r\n.\r\n").expect("250 *");
      s.send("QUIT").expect("221 *");
    }
  }

  Pop3Client pop() throws Exception {
    Pop3Client c = Pop3Client.connectTls(t.port("pop3s"));
    c.expect("+OK mx.example.test Postamt POP3 server ready");
    return c.login("alice@example.test", TestServer.PASSWORD);
  }

  @Test
  void mailArrivingDuringASessionAppearsInTheNextAndDeletionsReachImap() throws Exception {
    smtp("first");
    t.awaitMessages("alice@example.test", 1);
    String firstUidl;
    try (Pop3Client c = pop()) {
      c.send("STAT").expect("+OK 1 *");
      c.send("UIDL 1");
      firstUidl = c.expectLine("+OK 1 *").substring(6);
      smtp("second");
      assertThat(t.awaitMessages("alice@example.test", 2)).hasSize(2);
      c.send("STAT").expect("+OK 1 *");
      c.send("RETR 1").expect("+OK * octets");
      assertThat(c.multi()).contains("Subject: first");
      c.send("DELE 1").expect("+OK*");
      c.send("QUIT").expect("+OK*(0 messages left)");
    }
    try (Pop3Client c = pop()) {
      c.send("STAT").expect("+OK 1 *");
      c.send("TOP 1 0").expect("+OK*");
      assertThat(c.multi()).contains("Subject: second");
      c.send("UIDL 1");
      assertThat(c.expectLine("+OK 1 *").substring(6)).isNotEqualTo(firstUidl);
      c.send("QUIT").expect("+OK*");
    }
    // An IMAP session on the server's store sees one message, the second, with the UID in its UIDL.
    ImapServer imap = ImapServer.fromConfig(t.config, t.server.store(), t.server.directory(), null);
    try (Listener l = Listener.open("imap", new InetSocketAddress("127.0.0.1", 0), null, false,
            Duration.ofMinutes(1), 10, imap);
        Pop3Client c = Pop3Client.connect(l.localAddress().getPort())) {
      c.expect("* OK *");
      c.send("a LOGIN alice@example.test secret");
      untilTagged(c, "a");
      c.send("b SELECT INBOX");
      assertThat(untilTagged(c, "b")).contains("* 1 EXISTS");
      c.send("c UID FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
      String fetched = String.join("\n", untilTagged(c, "c"));
      assertThat(fetched).contains("Subject: second").doesNotContain("Subject: first");
    }
  }

  /** IMAP response lines up to and including the tagged OK. */
  static List<String> untilTagged(Pop3Client c, String tag) throws Exception {
    List<String> lines = new ArrayList<>();
    while (true) {
      String l = c.readLine();
      assertThat(l).as("IMAP reply so far %s", lines).isNotNull();
      lines.add(l);
      if (l.startsWith(tag + " ")) {
        assertThat(l).startsWith(tag + " OK");
        return lines;
      }
    }
  }
}
