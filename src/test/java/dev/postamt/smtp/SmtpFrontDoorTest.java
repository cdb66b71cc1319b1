package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MX port before and around the greeting, with raw sockets: the pregreet test, the per-client
 * connection rate, the tarpit for invalid recipients, and bans for repeated policy refusals. Each
 * test connects from its own loopback address (127.0.0.x), so their counts do not mix.
 */
class SmtpFrontDoorTest {
  @TempDir static Path dir;
  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.start(dir, """
        [relay]
        networks = []
        [limits]
        connection_rate_per_ip = 3
        [policy]
        pregreet = "300ms"
        tarpit_after = 2
        tarpit_delay = "200ms"
        tarpit_close_after = 4
        [ban]
        policy_rejections = 5
        """);
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  private static Socket from(String localAddress) throws Exception {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(localAddress, 0));
    s.connect(new InetSocketAddress("127.0.0.1", t.port("smtp")));
    s.setSoTimeout(15_000);
    return s;
  }

  @Test
  void aClientThatTalksBeforeTheGreetingIsRefused() throws Exception {
    try (Socket s = from("127.0.0.20")) {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(in.readLine()).isEqualTo("220-mx.example.test ESMTP Postamt");
      s.getOutputStream().write("EHLO eager.example\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(in.readLine()).isEqualTo("554 5.5.1 mx.example.test Error: you talked before the greeting; goodbye");
      assertThat(in.readLine()).isNull();
    }
  }

  @Test
  void aPatientClientGetsTheWholeGreeting() throws Exception {
    try (SmtpScript s = new SmtpScript(from("127.0.0.21"))) {
      s.expect("220 mx.example.test ESMTP Postamt");
      assertThat(s.lastReply()).containsExactly("220-mx.example.test ESMTP Postamt", "220 mx.example.test ESMTP Postamt");
      s.send("EHLO patient.example").expect("250 *");
    }
  }

  @Test
  void theConnectionRatePerClientIsLimited() throws Exception {
    for (int i = 0; i < 3; i++) {
      try (SmtpScript s = new SmtpScript(from("127.0.0.50"))) {
        s.expect("220 *");
      }
    }
    try (SmtpScript s = new SmtpScript(from("127.0.0.50"))) {
      s.expect("421 4.7.0 mx.example.test Error: too many connections from 127.0.0.50; try again later");
      assertThat(s.closedByServer()).isTrue();
    }
    try (SmtpScript s = new SmtpScript(from("127.0.0.51"))) {
      s.expect("220 *"); // another client is not affected
    }
  }

  @Test
  void manyInvalidRecipientsAreTarpittedThenDisconnected() throws Exception {
    try (SmtpScript s = new SmtpScript(from("127.0.0.30"))) {
      s.expect("220 *");
      s.send("EHLO client.example").expect("250 *");
      s.send("MAIL FROM:<>").expect("250 *");
      s.send("RCPT TO:<nobody1@example.test>").expect("550 5.1.1 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("RCPT TO:<nobody2@example.test>").expect("550 5.1.1 *");
      long start = System.nanoTime();
      s.send("RCPT TO:<nobody3@example.test>").expect("550 5.1.1 *");
      long third = System.nanoTime() - start;
      assertThat(third / 1_000_000).as("the third invalid recipient's reply waits 200 ms").isGreaterThanOrEqualTo(200);
      start = System.nanoTime();
      s.send("RCPT TO:<nobody4@example.test>").expect("550 5.1.1 *");
      assertThat((System.nanoTime() - start) / 1_000_000).as("the fourth waits twice as long").isGreaterThanOrEqualTo(400);
      s.expect("421 4.7.0 mx.example.test Error: too many invalid recipients");
      assertThat(s.closedByServer()).isTrue();
    }
  }

  @Test
  void repeatedPolicyRefusalsBanTheClient() throws Exception {
    try (SmtpScript s = new SmtpScript(from("127.0.0.40"))) {
      s.expect("220 *");
      s.send("EHLO client.example").expect("250 *");
      s.send("MAIL FROM:<>").expect("250 *");
      s.send("RCPT TO:<nobody1@example.test>").expect("550 *");
      s.send("RCPT TO:<someone@elsewhere.example>").expect("554 5.7.1 *"); // relay access denied
      s.send("QUIT").expect("221 *");
    }
    try (SmtpScript s = new SmtpScript(from("127.0.0.40"))) {
      s.expect("220 *");
      s.send("EHLO client.example").expect("250 *");
      s.send("MAIL FROM:<>").expect("250 *");
      s.send("RCPT TO:<nobody2@example.test>").expect("550 *");
      s.send("RCPT TO:<nobody3@example.test>").expect("550 *");
      assertThat(t.server.bans().banned(InetAddress.getByName("127.0.0.40"))).as("four are not enough").isEmpty();
      s.send("RCPT TO:<nobody4@example.test>").expect("550 *");
    }
    assertThat(t.server.bans().banned(InetAddress.getByName("127.0.0.40"))).get()
        .satisfies(e -> assertThat(e.reason()).isEqualTo("policy rejections: 5 in 10m"));
    try (SmtpScript s = new SmtpScript(from("127.0.0.40"))) {
      s.expect("554 5.7.1 mx.example.test Error: client 127.0.0.40 is banned until *");
    }
  }
}
