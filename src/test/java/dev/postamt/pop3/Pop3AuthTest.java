package dev.postamt.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The AUTHORIZATION state: greeting, CAPA, STLS, USER/PASS, AUTH PLAIN, APOP, failures and limits. */
class Pop3AuthTest {
  @RegisterExtension static final Pop3TestServer server = Pop3TestServer.create(Pop3TestServer::check);

  static String plain(String authz, String user, String pass) {
    return Base64.getEncoder().encodeToString((authz + "\0" + user + "\0" + pass).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void capaBeforeTlsOffersStlsButNoAuthentication() throws Exception {
    try (Pop3Client c = Pop3Client.connect(server.port())) {
      c.expect("+OK pop.example.test Postamt POP3 server ready");
      c.send("CAPA").expect("+OK*");
      List<String> caps = c.multi();
      assertThat(caps).contains("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "STLS")
          .doesNotContain("USER", "SASL SCRAM-SHA-256 PLAIN LOGIN").noneMatch(l -> l.startsWith("APOP"));
      c.send("USER alice").expect("-ERR [AUTH] *STLS*");
      c.send("PASS secret").expect("-ERR [AUTH] *");
      c.send("AUTH PLAIN " + plain("", "alice", "secret")).expect("-ERR [AUTH] *");
      c.send("QUIT").expect("+OK*");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  /** The production rule, the same as IMAP's: a connection from this machine may log in without TLS. */
  @Test
  void fromLoopbackTheProductionPolicyAllowsPlaintextLogin(@TempDir Path own) throws Exception {
    Pop3Settings production = Pop3Settings.fromLimits("pop.example.test", java.time.Duration.ofMinutes(10), 5, 3);
    assertThat(production.loopbackIsSecure()).isTrue();
    try (Pop3TestServer local = Pop3TestServer.start(own, production);
        Pop3Client c = Pop3Client.connect(local.port())) {
      c.expect("+OK*");
      c.send("CAPA").expect("+OK*");
      assertThat(c.multi()).contains("USER", "SASL SCRAM-SHA-256 PLAIN LOGIN", "STLS");
      c.send("USER alice@example.test").expect("+OK*");
      c.send("PASS secret").expect("+OK Logged in*");
      c.send("QUIT").expect("+OK*");
    }
  }

  @Test
  void stlsThenCapaThenUserPass() throws Exception {
    try (Pop3Client c = Pop3Client.connect(server.port())) {
      c.expect("+OK*");
      c.stls();
      c.send("CAPA").expect("+OK*");
      assertThat(c.multi()).contains("USER", "SASL SCRAM-SHA-256 PLAIN LOGIN").doesNotContain("STLS");
      c.send("STLS").expect("-ERR Command not permitted when TLS active");
      c.send("USER alice@example.test").expect("+OK*");
      c.send("PASS secret").expect("+OK Logged in, 0 messages (0 octets)");
      c.send("CAPA").expect("+OK*");
      assertThat(c.multi()).contains("TOP", "UIDL").doesNotContain("USER", "SASL SCRAM-SHA-256 PLAIN LOGIN", "STLS");
      c.send("QUIT").expect("+OK pop.example.test Postamt POP3 server signing off (0 messages left)");
    }
  }

  @Test
  void plaintextPipelinedBehindStlsIsDiscarded() throws Exception {
    try (Pop3Client c = Pop3Client.connect(server.port())) {
      c.expect("+OK*");
      // CVE-2011-0411: the injected USER must not be taken as if it came through TLS.
      c.raw("STLS\r\nUSER alice\r\n".getBytes(StandardCharsets.US_ASCII));
      c.stlsAfterReply();
      c.send("PASS secret").expect("-ERR Send USER first");
    }
  }

  @Test
  void pop3sAuthPlainWithInitialResponseAndWithChallenge() throws Exception {
    try (Pop3Client c = Pop3Client.connectTls(server.tlsPort())) {
      c.expect("+OK*");
      c.send("CAPA").expect("+OK*");
      assertThat(c.multi()).contains("USER", "SASL SCRAM-SHA-256 PLAIN LOGIN").doesNotContain("STLS");
      c.send("AUTH").expect("+OK*");
      assertThat(c.multi()).containsExactly("SCRAM-SHA-256", "PLAIN", "LOGIN");
      c.send("AUTH PLAIN " + plain("", "alice", "secret")).expect("+OK Logged in*");
      c.send("QUIT").expect("+OK*");
    }
    try (Pop3Client c = Pop3Client.connectTls(server.tlsPort())) {
      c.expect("+OK*");
      c.send("AUTH PLAIN").expect("+ ");
      c.send("*").expect("-ERR Authentication cancelled");
      c.send("AUTH plain").expect("+ ");
      c.send(plain("bob@example.test", "bob@example.test", "secret")).expect("+OK Logged in*");
      c.send("QUIT").expect("+OK*");
    }
  }

  /** SASL LOGIN for older clients: two base64 challenges "Username:" and "Password:", or the user given at once. */
  @Test
  void authLoginWithChallengesAndWithTheUserAsInitialResponse() throws Exception {
    java.util.function.Function<String, String> b64 =
        t -> Base64.getEncoder().encodeToString(t.getBytes(StandardCharsets.UTF_8));
    try (Pop3Client c = Pop3Client.connectTls(server.tlsPort())) {
      c.expect("+OK*");
      c.send("AUTH LOGIN").expect("+ " + b64.apply("Username:"));
      c.send(b64.apply("alice@example.test")).expect("+ " + b64.apply("Password:"));
      c.send(b64.apply("secret")).expect("+OK Logged in*");
      c.send("QUIT").expect("+OK*");
    }
    try (Pop3Client c = Pop3Client.connectTls(server.tlsPort())) {
      c.expect("+OK*");
      c.send("AUTH LOGIN " + b64.apply("bob@example.test")).expect("+ " + b64.apply("Password:"));
      c.send(b64.apply("wrong")).expect("-ERR [AUTH] Authentication failed");
      c.send("QUIT").expect("+OK*");
    }
    try (Pop3Client c = Pop3Client.connect(server.port())) {
      c.expect("+OK*");
      c.send("AUTH LOGIN").expect("-ERR [AUTH] *STLS*");
    }
  }

  @Test
  void authFailuresAreAuthCodedAndLimited() throws Exception {
    try (Pop3Client c = Pop3Client.connectTls(server.tlsPort())) {
      c.expect("+OK*");
      c.send("AUTH CRAM-MD5").expect("-ERR Unsupported authentication mechanism: CRAM-MD5");
      c.send("AUTH PLAIN " + plain("bob", "alice", "secret")).expect("-ERR [AUTH] Authorization identity not allowed");
      c.send("USER alice").expect("+OK*");
      c.send("PASS wrong").expect("-ERR [AUTH] Authentication failed");
      c.send("AUTH PLAIN !!!").expect("-ERR Invalid base64*");
      // the third failure (limit 3 in the test settings) ends the session, with a reason
      c.send("AUTH PLAIN " + plain("", "mallory", "x")).expect("-ERR [AUTH] Authentication failed; too many failures*");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void apopIsRefusedAndTransactionCommandsNeedLogin() throws Exception {
    try (Pop3Client c = Pop3Client.connectTls(server.tlsPort())) {
      c.expect("+OK*");
      c.send("APOP alice 0123456789abcdef0123456789abcdef").expect("-ERR [AUTH] APOP is not supported*");
      c.send("STAT").expect("-ERR STAT is not allowed before login");
      c.send("PASS secret").expect("-ERR Send USER first");
      c.send("USER").expect("-ERR USER takes 1 argument");
      c.send("USER alice").expect("+OK*");
      c.send("PASS  secret with spaces").expect("-ERR [AUTH] Authentication failed");
      c.send("QUIT").expect("+OK*");
    }
  }

  @Test
  void badCommandsAreCountedThenTheSessionEnds() throws Exception {
    try (Pop3Client c = Pop3Client.connect(server.port())) {
      c.expect("+OK*");
      c.send("").expect("-ERR Empty command");
      c.send("HELO x").expect("-ERR Unknown command: HELO");
      c.send("CAPA extra").expect("-ERR CAPA takes no arguments");
      c.send("X".repeat(9000)).expect("-ERR Line too long*");
      c.send("GET / HTTP/1.1").expect("-ERR Unknown command: GET");
      c.expect("-ERR Too many bad commands; closing connection");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void failedLoginsAreCountedPerAddressAcrossSessions(@TempDir Path own) throws Exception {
    var throttle = new dev.postamt.net.AuthThrottle(2, java.time.Duration.ofMinutes(15));
    try (Pop3TestServer s = Pop3TestServer.start(own, Pop3TestServer.settings(false, java.time.Duration.ofMinutes(10)), throttle)) {
      try (Pop3Client c = Pop3Client.connectTls(s.tlsPort())) {
        c.expect("+OK*");
        c.login("alice", "secret").send("QUIT").expect("+OK*");
      }
      for (int i = 0; i < 2; i++) {
        try (Pop3Client c = Pop3Client.connectTls(s.tlsPort())) {
          c.expect("+OK*");
          c.send("USER alice").expect("+OK*");
          c.send("PASS wrong").expect("-ERR [AUTH] Authentication failed");
        }
      }
      try (Pop3Client c = Pop3Client.connectTls(s.tlsPort())) {
        c.expect("+OK*");
        c.send("USER alice").expect("+OK*");
        // even the right password is not checked now
        c.send("PASS secret").expect("-ERR [AUTH] Too many failed logins from 127.0.0.1; try again later");
        assertThat(c.closedByServer()).isTrue();
      }
    }
  }

  @Test
  void failedLoginsCountAgainstTheAccountAndWaitOutItsPenalty(@TempDir Path own) throws Exception {
    java.util.List<java.time.Duration> waits = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    var throttle = new dev.postamt.net.AuthThrottle(100, java.time.Duration.ofMinutes(15), java.time.Clock.systemUTC(),
        waits::add);
    try (Pop3TestServer s = Pop3TestServer.start(own, Pop3TestServer.settings(false, java.time.Duration.ofMinutes(10)), throttle);
        Pop3Client c = Pop3Client.connectTls(s.tlsPort())) {
      c.expect("+OK*");
      c.send("USER alice").expect("+OK*");
      c.send("PASS wrong").expect("-ERR [AUTH] Authentication failed");
      String plain = java.util.Base64.getEncoder().encodeToString("\0alice\0nope".getBytes());
      c.send("AUTH PLAIN " + plain).expect("-ERR [AUTH] Authentication failed");
    }
    assertThat(throttle.accountFailures("alice")).isEqualTo(2);
    assertThat(waits).extracting(java.time.Duration::toMillis).containsExactly(250L, 500L);
  }
}
