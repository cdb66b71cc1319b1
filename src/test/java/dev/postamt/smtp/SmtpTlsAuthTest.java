package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** STARTTLS (RFC 3207), AUTH (RFC 4954) and what an authenticated user may do. */
class SmtpTlsAuthTest {
  @RegisterExtension static final TestServer t = TestServer.create().toml("[relay]\nnetworks = []\n[limits]\nauth_failures = 3\n");

  static String plain(String user, String pass) {
    return Base64.getEncoder().encodeToString(("\0" + user + "\0" + pass).getBytes(StandardCharsets.UTF_8));
  }

  private SmtpScript submissionWithTls() throws Exception {
    SmtpScript s = SmtpScript.connect(t.port("submission"));
    s.expect("220 *");
    s.send("EHLO client").read();
    s.send("STARTTLS").expect("220 2.0.0 Ready to start TLS");
    s.upgradeTls();
    s.send("EHLO client").read();
    return s;
  }

  @Test
  void afterStarttlsAuthIsOfferedAndTlsIsRecordedInReceived() throws Exception {
    try (SmtpScript s = submissionWithTls()) {
      assertThat(s.lastReply()).anyMatch(l -> l.endsWith("AUTH SCRAM-SHA-256 PLAIN LOGIN")).noneMatch(l -> l.endsWith("STARTTLS"));
      s.send("AUTH PLAIN " + plain("alice@example.test", "secret")).expect("235 2.7.0 Authentication successful");
      s.send("MAIL FROM:<alice@example.test>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("Subject: tls\r\n\r\nhi\r\n.\r\n").expect("250 *");
    }
    String m = Files.readString(t.awaitMessages("bob@example.test", 1).getFirst());
    assertThat(m).contains("with ESMTPSA id").containsPattern("\\(using TLSv1\\.[23] with cipher [A-Z0-9_]+\\)");
  }

  @Test
  void authLoginAndWrongPasswords() throws Exception {
    try (SmtpScript s = submissionWithTls()) {
      s.send("AUTH LOGIN").expect("334 VXNlcm5hbWU6");
      s.send(b64("alice@example.test")).expect("334 UGFzc3dvcmQ6");
      s.send(b64("wrong")).expect("535 5.7.8 Error: authentication failed");
      s.send("AUTH PLAIN " + plain("alice@example.test", "nope")).expect("535 5.7.8 *");
      s.send("AUTH PLAIN").expect("334 ");
      s.send("*").expect("501 5.7.0 Authentication aborted");
      s.send("AUTH PLAIN " + plain("alice@example.test", "nope")).expect("421 4.7.0 * too many authentication failures");
      assertThat(s.closedByServer()).isTrue();
    }
    try (SmtpScript s = submissionWithTls()) {
      s.send("AUTH LOGIN " + b64("bob@example.test")).expect("334 UGFzc3dvcmQ6");
      s.send(b64("secret")).expect("235 *");
      s.send("AUTH PLAIN " + plain("bob@example.test", "secret")).expect("503 5.5.1 *");
    }
  }

  @Test
  void authenticatedUserMayNotForgeAnotherSender() throws Exception {
    try (SmtpScript s = submissionWithTls()) {
      s.send("AUTH PLAIN " + plain("alice@example.test", "secret")).expect("235 *");
      s.send("MAIL FROM:<bob@example.test>").expect("553 5.7.1 <bob@example.test>: Sender address rejected: not owned by user alice@example.test");
      s.send("MAIL FROM:<>").expect("250 *");
      s.send("RSET").expect("250 *");
      s.send("MAIL FROM:<ALICE@example.test>").expect("250 *");
      s.send("RCPT TO:<friend@remote.example>").expect("250 2.1.5 Ok"); // authenticated relay
    }
  }

  @Test
  void plaintextPipelinedAfterStarttlsIsDiscarded() throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client").read();
      // CVE-2011-0411: the injected commands arrive in the same packet as STARTTLS
      s.raw("STARTTLS\r\nMAIL FROM:<evil@outside.example>\r\nRCPT TO:<alice@example.test>\r\n");
      s.expect("220 2.0.0 Ready to start TLS");
      s.upgradeTls();
      // Had the injection been read, RCPT would now be valid; it must need HELO and MAIL first.
      s.send("RCPT TO:<alice@example.test>").expect("503 5.5.1 Error: send HELO/EHLO first");
      s.send("EHLO client").read();
      s.send("RCPT TO:<alice@example.test>").expect("503 5.5.1 Error: need MAIL command");
      s.send("STARTTLS").expect("503 5.5.1 Error: TLS already active");
    }
  }

  @Test
  void relayIsAllowedForAuthenticatedUsersOnly() throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client").read();
      s.send("MAIL FROM:<x@outside.example>").expect("250 *");
      s.send("RCPT TO:<y@remote.example>").expect("554 5.7.1 *");
    }
  }

  @Test
  void scramSha256() throws Exception {
    try (SmtpScript s = submissionWithTls()) {
      dev.postamt.testing.ScramClient c = new dev.postamt.testing.ScramClient("bob@example.test", "secret");
      s.send("AUTH SCRAM-SHA-256 " + b64(c.clientFirst())).read();
      String serverFirst = new String(Base64.getDecoder().decode(s.lastReply().getFirst().substring(4)), StandardCharsets.UTF_8);
      assertThat(s.lastReply().getFirst()).startsWith("334 ");
      s.send(b64(c.clientFinal(serverFirst))).read();
      String serverFinal = new String(Base64.getDecoder().decode(s.lastReply().getFirst().substring(4)), StandardCharsets.UTF_8);
      assertThat(c.verifyServer(serverFinal)).as(serverFinal).isTrue();
      s.send("").expect("235 2.7.0 Authentication successful");
      s.send("MAIL FROM:<bob@example.test>").expect("250 *");
    }
    try (SmtpScript s = submissionWithTls()) {
      dev.postamt.testing.ScramClient c = new dev.postamt.testing.ScramClient("bob@example.test", "wrong");
      s.send("AUTH SCRAM-SHA-256 " + b64(c.clientFirst())).read();
      String serverFirst = new String(Base64.getDecoder().decode(s.lastReply().getFirst().substring(4)), StandardCharsets.UTF_8);
      s.send(b64(c.clientFinal(serverFirst))).expect("535 5.7.8 *");
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
