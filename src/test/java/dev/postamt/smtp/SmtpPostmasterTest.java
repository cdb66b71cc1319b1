package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RFC 5321 §4.5.1: postmaster at every local domain (and a bare {@code <postmaster>}) works without an
 * alias. The fixture's hostname mx.example.test is not a local domain; with the default {@code
 * queue.postmaster} the mail goes to the first user, alice@example.test.
 */
class SmtpPostmasterTest {
  @RegisterExtension
  final TestServer t =
      TestServer.create()
          .zone("remote.example. MX 10 nohost.remote.example.\n") // the default [policy] refuses unknown sender domains
          .toml("[relay]\nnetworks = []\n[transport]\n\"old.test\" = \"error:5.1.2 gone\"\n");

  private void send(String from, String rcpt, String subject) throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<" + from + ">").expect("250 2.1.0 Ok");
      s.send("RCPT TO:<" + rcpt + ">").expect("250 2.1.5 Ok");
      s.send("DATA").expect("354 *");
      s.raw("Subject: " + subject + "\r\n\r\nbody\r\n.\r\n").expect("250 2.0.0 Ok: queued as *");
      s.send("QUIT").expect("221 *");
    }
  }

  @Test
  void postmasterWithAndWithoutDomainReachesThePostmastersMailbox() throws Exception {
    send("someone@remote.example", "postmaster", "bare");
    send("someone@remote.example", "postmaster@example.test", "qualified");
    send("someone@remote.example", "POSTMASTER@EXAMPLE.TEST", "upper case");
    t.awaitMessages("alice@example.test", 3);
    String all = String.join("\n", t.messages("alice@example.test").stream().map(p -> {
      try {
        return Files.readString(p);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).toList());
    assertThat(all).contains("Subject: bare").contains("Subject: qualified").contains("Subject: upper case");
    assertThat(t.messages("bob@example.test")).isEmpty();
  }

  @Test
  void anExplicitAliasForPostmasterWins() throws Exception {
    t.server.directory().addAlias("postmaster@example.test", List.of("bob@example.test"));
    send("someone@remote.example", "postmaster@example.test", "to the alias");
    assertThat(t.awaitMessageContaining("bob@example.test", "Subject: to the alias")).isNotEmpty();
    assertThat(t.messages("alice@example.test")).isEmpty();
  }

  @Test
  void aDoubleBounceIsDeliveredToThePostmaster() throws Exception {
    t.server.directory().addAlias("moved@example.test", List.of("someone@old.test"));
    // from <>: the failure cannot go back to the sender, so it goes to queue.postmaster (bare "postmaster")
    send("", "moved@example.test", "a bounce that bounces");
    String notice = t.awaitMessageContaining("alice@example.test", "Undelivered Mail");
    assertThat(notice).contains("To: <postmaster@mx.example.test>").contains("Final-Recipient: rfc822; moved@example.test");
  }
}
