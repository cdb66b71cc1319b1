package dev.postamt.mda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.imap.ImapClient;
import dev.postamt.testing.FakeSmtpServer;
import dev.postamt.testing.MailHost;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sieve at delivery end to end: mail sent over SMTP, filed, flagged, answered and forwarded. */
class SieveDeliveryServerTest {
  static final String ALICE = "alice@example.test";
  static final String BOB = "bob@example.test";

  @TempDir Path dir;

  static void send(TestServer t, String from, String to, String message) throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<" + from + ">").expect("250 *");
      s.send("RCPT TO:<" + to + ">").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw(message + ".\r\n").expect("250 *");
      s.send("QUIT").expect("221 *");
    }
  }

  static String mail(String subject, String body) {
    return "From: Bob <" + BOB + ">\r\nTo: Alice <" + ALICE + ">\r\nSubject: " + subject
        + "\r\nMessage-ID: <" + subject.hashCode() + "@example.test>\r\n\r\n" + body + "\r\n";
  }

  @Test
  void fileintoFilesIntoAFolderAndTheFlagsShowOverImap() throws Exception {
    try (TestServer t = TestServer.start(dir)) {
      MemorySieveScripts scripts = new MemorySieveScripts().activate(ALICE, "main", """
          require ["fileinto", "mailbox", "imap4flags"];
          if header :contains "subject" "[list]" {
            fileinto :create :flags ["\\\\Flagged", "$Work"] "Lists";
          }
          """);
      t.server.sieveScripts(scripts);
      send(t, BOB, ALICE, mail("[list] news", "filed"));
      send(t, BOB, ALICE, mail("personal", "kept"));
      ImapClient c = t.imapLogin(ALICE);
      MailHost.await(() -> {
        try {
          return String.join("\n", c.run("S STATUS Lists (MESSAGES)")).contains("MESSAGES 1");
        } catch (Exception e) {
          return false;
        }
      }, "the message to be filed into Lists");
      List<String> fetched = c.run("A SELECT Lists", "A OK *");
      assertThat(fetched).anyMatch(l -> l.contains("1 EXISTS"));
      List<String> flags = c.run("F FETCH 1 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])", "F OK *");
      assertThat(String.join("\n", flags)).contains("\\Flagged").contains("$Work").contains("[list] news");
      assertThat(String.join("\n", c.run("I SELECT INBOX", "I OK *"))).contains("1 EXISTS");
    }
  }

  @Test
  void vacationAnswersOncePerSender() throws Exception {
    try (TestServer t = TestServer.start(dir)) {
      t.server.sieveScripts(new MemorySieveScripts().activate(ALICE, "away", """
          require "vacation";
          vacation :subject "Out of office" "Back on Monday.";
          """));
      send(t, BOB, ALICE, mail("first", "one"));
      String reply = t.awaitMessageContaining(BOB, "Out of office");
      assertThat(reply).contains("Auto-Submitted: auto-replied").contains("Return-Path: <>")
          .contains("In-Reply-To: <" + "first".hashCode() + "@example.test>").contains("Back on Monday.");
      send(t, BOB, ALICE, mail("second", "two"));
      assertThat(t.awaitMessages(ALICE, 2)).hasSize(2);
      MailHost.await(() -> t.server.queue().idle(), "the queue to be idle");
      assertThat(t.messages(BOB)).hasSize(1);
    }
  }

  @Test
  void redirectQueuesTheCopyForTheRemoteAddress() throws Exception {
    try (FakeSmtpServer remote = new FakeSmtpServer(new InetSocketAddress("127.0.0.1", 0), false)) {
      try (TestServer t = TestServer.start(dir,
          "[transport]\n\"remote.test\" = \"smtp:[127.0.0.1]:" + remote.port() + "\"\n")) {
        t.server.sieveScripts(new MemorySieveScripts().activate(ALICE, "fwd", "redirect \"carol@remote.test\";"));
        send(t, BOB, ALICE, mail("forward me", "to carol"));
        MailHost.await(() -> !remote.messages.isEmpty(), "the redirected copy to reach the remote server");
        assertThat(remote.commands).anyMatch(c -> c.startsWith("MAIL FROM:<" + BOB + ">"))
            .contains("RCPT TO:<carol@remote.test>");
        assertThat(remote.messages.getFirst()).contains("Delivered-To: " + ALICE).contains("Subject: forward me")
            .doesNotContain("Return-Path");
        assertThat(t.messages(ALICE)).isEmpty();
      }
    }
  }

  /** A redirected copy of mail from another domain leaves with an SRS sender (issue 15 item 4). */
  @Test
  void redirectOfForeignMailUsesAnSrsSender() throws Exception {
    try (FakeSmtpServer remote = new FakeSmtpServer(new InetSocketAddress("127.0.0.1", 0), false)) {
      java.nio.file.Files.writeString(dir.resolve("zone.txt"), "elsewhere.test. MX 10 mx.elsewhere.test.\n");
      try (TestServer t = TestServer.start(dir,
          "[transport]\n\"remote.test\" = \"smtp:[127.0.0.1]:" + remote.port() + "\"\n")) {
        t.server.sieveScripts(new MemorySieveScripts().activate(ALICE, "fwd", "redirect \"carol@remote.test\";"));
        send(t, "dave@elsewhere.test", ALICE, mail("from afar", "to carol"));
        MailHost.await(() -> !remote.messages.isEmpty(), "the redirected copy to reach the remote server");
        String mailFrom = remote.commands.stream().filter(c -> c.startsWith("MAIL FROM:")).findFirst().orElseThrow();
        assertThat(mailFrom).matches("MAIL FROM:<SRS0=[^=]{4}=[^=]{2}=elsewhere\\.test=dave@mx\\.example\\.test>.*");
        var srs = new dev.postamt.srs.Srs(t.config.srs(), d -> false);
        assertThat(srs.reverse(mailFrom.substring(11, mailFrom.indexOf('>')))).contains("dave@elsewhere.test");
      }
    }
  }

  @Test
  void aBrokenScriptKeepsIntoTheInboxAndRecordsTheError() throws Exception {
    try (TestServer t = TestServer.start(dir)) {
      MemorySieveScripts scripts = new MemorySieveScripts().activate(ALICE, "broken", "if true {\n  fileinto \"x\";\n}\n");
      t.server.sieveScripts(scripts);
      send(t, BOB, ALICE, mail("still here", "kept"));
      assertThat(t.awaitMessageContaining(ALICE, "Subject: still here")).isNotEmpty();
      assertThat(scripts.lastError(ALICE)).get().satisfies(e -> {
        assertThat(e.script()).isEqualTo("broken");
        assertThat(e.message()).startsWith("line 2: ");
      });
    }
  }
}
