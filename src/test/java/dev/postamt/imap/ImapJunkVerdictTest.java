package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.filter.bayes.BayesStore;
import dev.postamt.filter.bayes.SqliteBayesStore;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17's "IMAP moves into and out of Junk change later verdicts", end to end: a spam arrives
 * unjudged by Bayes (nothing learned), the user moves it into Junk and a wanted message out of Junk,
 * and the next copy of that spam arriving over SMTP carries a high Bayes band in its X-Spam-Status.
 */
class ImapJunkVerdictTest {
  // one message of each kind is enough for Bayes here, so that two moves decide
  @RegisterExtension
  static final TestServer t = TestServer.create().toml("[spam]\nbayes_min_learned = 1\nautolearn = false\n");

  private static String spam(String id) {
    return "From: Deals <deals@remote.example>\r\nTo: alice@example.test\r\nSubject: Replica watches, cheapest prices\r\n"
        + "Message-ID: <" + id + "@remote.example>\r\n\r\n"
        + "Cheapest replica watches and discount pharmacy pills, order today, limited offer, click below.\r\n";
  }

  private static final String HAM = "From: Bob <bob@example.test>\r\nTo: alice@example.test\r\n"
      + "Subject: Minutes of the project meeting\r\nMessage-ID: <minutes-1@example.test>\r\n\r\n"
      + "Budget review agreed, schedule moves to March, next steps assigned to the design group.\r\n";

  private static void send(String message) throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<deals@remote.example>").expect("250 *");
      s.send("RCPT TO:<alice@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw(message + ".\r\n").expect("250 *");
    }
  }

  /** The X-Spam-Status of the delivered message with this Message-ID, in any folder of alice's. */
  private static String spamStatus(String messageId) throws Exception {
    Instant end = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(end)) {
      List<Path> files;
      try (Stream<Path> all = Files.walk(t.maildir("alice@example.test"))) {
        files = all.filter(p -> p.getParent().getFileName().toString().matches("new|cur")).toList();
      }
      for (Path p : files) {
        String m = Files.readString(p, StandardCharsets.ISO_8859_1);
        if (m.contains("<" + messageId + "@remote.example>")) {
          int at = m.indexOf("X-Spam-Status:");
          return m.substring(at, m.indexOf("version=", at)).replaceAll("\r\n\t", " ");
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("message " + messageId + " not delivered");
  }

  @Test
  void movesIntoAndOutOfJunkChangeTheNextVerdict() throws Exception {
    send(spam("deal-1"));
    assertThat(spamStatus("deal-1")).doesNotContain("BAYES_");

    ImapClient c = t.imapLogin("alice@example.test");
    c.run("s SELECT INBOX", "s OK *");
    c.run("m UID MOVE 1 Junk", "m OK *"); // this is spam
    c.run("a APPEND Junk {" + HAM.length() + "+}\r\n" + HAM, "a OK *");
    c.run("j SELECT Junk", "j OK *");
    c.run("b UID MOVE 2 INBOX", "b OK *"); // and this is not
    Instant end = Instant.now().plus(Duration.ofSeconds(20));
    try (SqliteBayesStore store = SqliteBayesStore.open(t.config.dataDir())) {
      while (!store.messages(BayesStore.GLOBAL).equals(new BayesStore.Counts(1, 1)) && Instant.now().isBefore(end)) {
        Thread.sleep(20);
      }
      assertThat(store.messages(BayesStore.GLOBAL)).isEqualTo(new BayesStore.Counts(1, 1));
    }

    send(spam("deal-2"));
    assertThat(spamStatus("deal-2")).containsPattern("BAYES_(95|99)=");
  }
}
