package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile header sections reach the end-of-data checks (SPF, DKIM, DMARC, ARC run for an outside
 * client): each gets a clean answer, 250 or a permanent 5xx, never a local error (451) or a dropped
 * connection, and the session goes on.
 */
class SmtpEndOfDataTest {
  @TempDir static Path dir;
  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    // the sender's domain exists: the default [policy] refuses unknown sender domains
    java.nio.file.Files.writeString(dir.resolve("zone.txt"), "remote.example. MX 10 nohost.remote.example.\n");
    t = TestServer.start(dir, "[relay]\nnetworks = []\n");
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "no colon on this line\r\n\r\nbody",
        ": empty name\r\n\r\nbody",
        " leading fold\r\nSubject: x\r\n\r\nbody",
        "From:\r\n\r\nbody",
        "From: <>\r\n\r\nbody",
        "From: a@b@c, , <@>\r\nFrom: second@example.org\r\n\r\nbody",
        "From: \"unterminated <x@example.org>\r\n\r\nbody",
        "From: x@[300.1.1.1]\r\n\r\nbody",
        "From: =?utf-8?B?invalid?= <x@ex\u00e4mple.org>\r\n\r\nbody",
        "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=sel; b=;bh=\r\nFrom: a@example.org\r\n\r\nbody",
        "DKIM-Signature: garbage ;;; ===\r\nFrom: a@example.org\r\n\r\nbody",
        "DKIM-Signature: v=1; a=ed25519-sha256; d=; s=; h=from; l=999999999999999999999; t=x; x=-1; bh=@@; b=@@\r\n"
            + "From: a@example.org\r\n\r\nbody",
        "ARC-Seal: i=0; cv=pass\r\nARC-Message-Signature: i=99999999999\r\nARC-Authentication-Results: i=-1\r\n"
            + "From: a@example.org\r\n\r\nbody",
        "Authentication-Results: mx.example.test; dkim=pass\r\nFrom: a@example.org\r\n\r\nbody",
        "Received: x\r\nReceived: y\r\nFrom: a@example.org\r\n\r\nbody",
        "Subject: \u00ff\u00fe\r\nFrom: \u0080@\u0080\r\n\r\nbody",
        "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=\r\n\r\n--\r\n--\r\nbody",
      })
  void hostileHeadersGetACleanAnswer(String message) throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<sender@remote.example> SMTPUTF8").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw(message + "\r\n.\r\n");
      String reply = s.read().getLast();
      assertThat(reply).matches("(250|5\\d\\d) .*");
      s.send("NOOP").expect("250 2.0.0 Ok");
    }
  }
}
