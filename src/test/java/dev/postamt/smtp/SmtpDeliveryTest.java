package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MAIL, RCPT, DATA and BDAT through the queue into Maildir. */
class SmtpDeliveryTest {
  // The success notice to the (unresolvable) remote sender bounces; the double bounce would reach the
  // postmaster, by default alice, the first user: an unknown postmaster keeps her mailbox to the test's mail.
  @RegisterExtension
  final TestServer t =
      TestServer.create().toml("[limits]\nmessage_size = 2048\nrecipients = 3\n[queue]\npostmaster = \"nobody@example.test\"\n");

  private SmtpScript hello() throws Exception {
    SmtpScript s = SmtpScript.connect(t.port("smtp"));
    s.expect("220 *");
    s.send("EHLO client.example").read();
    return s;
  }

  @Test
  void dataIsDeliveredToMaildirWithTraceHeaders() throws Exception {
    try (SmtpScript s = hello()) {
      s.send("MAIL FROM:<sender@remote.example> BODY=8BITMIME SIZE=100").expect("250 2.1.0 Ok");
      s.send("RCPT TO:<Alice@Example.TEST> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Alice@Example.TEST").expect("250 2.1.5 Ok");
      s.send("DATA").expect("354 *");
      s.raw("Subject: hi\r\n\r\n..leading dot\r\nbody\r\n.\r\n").expect("250 2.0.0 Ok: queued as *");
      s.send("QUIT").expect("221 *");
    }
    List<Path> msgs = t.awaitMessages("alice@example.test", 1);
    assertThat(msgs).hasSize(1);
    String m = Files.readString(msgs.getFirst(), StandardCharsets.UTF_8);
    assertThat(m).startsWith("Return-Path: <sender@remote.example>\r\nDelivered-To: alice@example.test\r\n");
    assertThat(m).contains("Received: from client.example ([127.0.0.1])\r\n\tby mx.example.test (Postamt) with ESMTP id ");
    assertThat(m).contains("\tfor <Alice@example.test>; "); // local part as given, domain lower-cased
    assertThat(m).endsWith("Subject: hi\r\n\r\n.leading dot\r\nbody\r\n");
    assertThat(msgs.getFirst().getFileName().toString()).matches("\\d+\\.Q[0-9A-Z]+R0M[0-9a-f]+\\.mx\\.example\\.test,S=" + Files.size(msgs.getFirst()));
    assertThat(msgs.getFirst().getParent().getFileName().toString()).isEqualTo("new");
  }

  @Test
  void nullSenderAndSeveralRecipientsInOneTransaction() throws Exception {
    try (SmtpScript s = hello()) {
      s.send("MAIL FROM:<>").expect("250 2.1.0 Ok");
      s.send("RCPT TO:<alice@example.test>").expect("250 2.1.5 Ok");
      s.send("RCPT TO:<bob@example.test>").expect("250 2.1.5 Ok");
      s.send("DATA").expect("354 *");
      s.raw("Subject: bounce\r\n\r\nx\r\n.\r\n").expect("250 2.0.0 Ok: queued as *");
    }
    assertThat(t.awaitMessages("alice@example.test", 1)).hasSize(1);
    assertThat(t.awaitMessages("bob@example.test", 1)).hasSize(1);
    assertThat(Files.readString(t.messages("bob@example.test").getFirst())).startsWith("Return-Path: <>\r\n");
  }

  @Test
  void bdatChunksAreDeliveredVerbatim() throws Exception {
    try (SmtpScript s = hello()) {
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      String c1 = "Subject: chunked\r\n\r\n.line one\r\n";
      String c2 = "line two\r\n";
      s.raw("BDAT " + c1.length() + "\r\n" + c1).expect("250 2.0.0 " + c1.length() + " octets received");
      s.raw("BDAT " + c2.length() + " LAST\r\n" + c2).expect("250 2.0.0 Ok: queued as *");
      s.send("DATA").expect("503 5.5.1 Error: need MAIL command");
    }
    List<Path> m = t.awaitMessages("bob@example.test", 1);
    assertThat(Files.readString(m.getFirst())).endsWith("Subject: chunked\r\n\r\n.line one\r\nline two\r\n");
  }

  @Test
  void sequenceErrors() throws Exception {
    try (SmtpScript s = hello()) {
      s.send("RCPT TO:<alice@example.test>").expect("503 5.5.1 Error: need MAIL command");
      s.send("DATA").expect("503 5.5.1 Error: need MAIL command");
      s.send("MAIL FROM:<a@remote.example>").expect("250 *");
      s.send("MAIL FROM:<a@remote.example>").expect("503 5.5.1 Error: nested MAIL command");
      s.send("DATA").expect("503 5.5.1 Error: need RCPT command");
      s.send("MAIL FROM:<a@remote.example> FOO=BAR").expect("503 *");
      s.send("RSET").expect("250 *");
      s.send("MAIL FROM:<a@remote.example> FOO=BAR").expect("555 5.5.4 Unsupported option: FOO");
      s.send("MAIL FROM:<a@remote.example> SIZE=999999999").expect("552 5.3.4 *");
      s.send("MAIL FROM:a@remote.example").expect("250 2.1.0 Ok");
      s.send("RCPT TO:<alice@example.test> NOTIFY=NEVER,SUCCESS").expect("501 5.5.4 Bad NOTIFY parameter");
    }
  }

  @Test
  void messageSizeLimitIsEnforcedForDataAndBdat() throws Exception {
    try (SmtpScript s = hello()) {
      s.send("MAIL FROM:<a@remote.example>").expect("250 *");
      s.send("RCPT TO:<alice@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("Subject: big\r\n\r\n" + "x".repeat(70) + "\r\n".repeat(1) + ("y".repeat(78) + "\r\n").repeat(40) + ".\r\n")
          .expect("552 5.3.4 *");
      s.send("NOOP").expect("250 *"); // still in step
      s.send("MAIL FROM:<a@remote.example>").expect("250 *");
      s.send("RCPT TO:<alice@example.test>").expect("250 *");
      String big = "z".repeat(3000);
      s.raw("BDAT " + big.length() + " LAST\r\n" + big).expect("552 5.3.4 *");
      s.send("NOOP").expect("250 *");
    }
    assertThat(t.messages("alice@example.test")).isEmpty();
  }

  @Test
  void recipientLimit() throws Exception {
    try (SmtpScript s = hello()) {
      s.send("MAIL FROM:<a@remote.example>").expect("250 *");
      for (int i = 0; i < 3; i++) {
        s.send("RCPT TO:<alice@example.test>").expect("250 *");
      }
      s.send("RCPT TO:<bob@example.test>").expect("452 4.5.3 Error: too many recipients");
    }
  }

  @Test
  void utf8AddressNeedsSmtputf8() throws Exception {
    try (SmtpScript s = hello()) {
      s.send("MAIL FROM:<jörg@remote.example>").expect("553 5.6.7 *");
      s.send("MAIL FROM:<jörg@remote.example> SMTPUTF8").expect("250 2.1.0 Ok");
      s.send("RCPT TO:<alice@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("Subject: grüße\r\n\r\nhallo\r\n.\r\n").expect("250 *");
    }
    List<Path> m = t.awaitMessages("alice@example.test", 1);
    assertThat(Files.readString(m.getFirst())).contains("with UTF8SMTP id").contains("Return-Path: <jörg@remote.example>");
  }
}
