package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Session-level commands: greeting, EHLO capabilities per port, simple verbs, limits on bad input. */
class SmtpSessionTest {
  @RegisterExtension static final TestServer t = TestServer.create().toml("[limits]\nerrors = 5\nline_length = 1000\n");

  @Test
  void greetingAndEhloOnPort25OffersStarttlsButNoAuthBeforeTls() throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 mx.example.test ESMTP*");
      s.send("EHLO client.example").read();
      assertThat(s.lastReply().getFirst()).isEqualTo("250-mx.example.test");
      assertThat(s.lastReply())
          .anyMatch(l -> l.endsWith("PIPELINING"))
          .anyMatch(l -> l.endsWith("SIZE 52428800"))
          .anyMatch(l -> l.endsWith("STARTTLS"))
          .anyMatch(l -> l.endsWith("ENHANCEDSTATUSCODES"))
          .anyMatch(l -> l.endsWith("8BITMIME"))
          .anyMatch(l -> l.endsWith("DSN"))
          .anyMatch(l -> l.endsWith("SMTPUTF8"))
          .anyMatch(l -> l.endsWith("CHUNKING"))
          .noneMatch(l -> l.contains("AUTH"));
    }
  }

  @Test
  void smtpsIsImplicitTlsAndOffersAuthButNotStarttls() throws Exception {
    try (SmtpScript s = SmtpScript.connectTls(t.port("smtps"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      assertThat(s.lastReply()).anyMatch(l -> l.endsWith("AUTH SCRAM-SHA-256 PLAIN LOGIN")).noneMatch(l -> l.endsWith("STARTTLS"));
    }
  }

  @Test
  void heloAndSimpleVerbs() throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("MAIL FROM:<a@b.example>").expect("503 5.5.1 Error: send HELO/EHLO first");
      s.send("HELO").expect("501 5.5.4 *");
      s.send("HELO client.example").expect("250 mx.example.test");
      s.send("NOOP").expect("250 2.0.0 Ok");
      s.send("RSET").expect("250 2.0.0 Ok");
      s.send("VRFY alice").expect("252 2.0.0 *");
      s.send("EXPN staff").expect("502 5.5.1 *");
      s.send("HELP").expect("214 2.0.0 *");
      s.send("FROB").expect("502 5.5.2 Error: command not recognized");
      s.send("QUIT").expect("221 2.0.0 Bye");
      assertThat(s.closedByServer()).isTrue();
    }
  }

  @Test
  void httpRequestEndsTheSession() throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("GET / HTTP/1.1").expect("221 2.7.0 *");
      assertThat(s.closedByServer()).isTrue();
    }
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO x").read();
      s.send("CONNECT mx.example.test:25 HTTP/1.0").expect("221 2.7.0 *");
      assertThat(s.closedByServer()).isTrue();
    }
  }

  @Test
  void tooLongLineIsRefusedAndTheSessionGoesOn() throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO " + "a".repeat(5000)).expect("500 5.5.2 Error: line too long");
      s.send("NOOP").expect("250 2.0.0 Ok");
    }
  }

  @Test
  void tooManyErrorsEndTheSession() throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      for (int i = 0; i < 5; i++) {
        s.send("BOGUS").expect("502 *");
      }
      // like Postfix: at the limit the session ends without waiting for another command
      s.expect("421 4.7.0 mx.example.test Error: too many errors");
      assertThat(s.closedByServer()).isTrue();
    }
  }

  @Test
  void pipelinedCommandsAreAnsweredInOrder() throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO x").read();
      s.raw("MAIL FROM:<x@remote.example>\r\nRCPT TO:<alice@example.test>\r\nRCPT TO:<nobody@example.test>\r\nRSET\r\nNOOP\r\n");
      s.expect("250 2.1.0 Ok");
      s.expect("250 2.1.5 Ok");
      s.expect("550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown");
      s.expect("250 2.0.0 Ok");
      s.expect("250 2.0.0 Ok");
    }
  }
}
