package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MX port behind a proxy speaking HAProxy's PROXY protocol: the client the header names is the
 * one the Received field shows and the ban list judges. The proxy is 127.0.0.1; a client at 127.0.0.2
 * is not a proxy. {@code relay.networks} is empty, so the loopback clients are not trusted.
 */
class SmtpProxyProtocolTest {
  @TempDir static Path dir;
  static TestServer t;

  static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.start(dir, """
        [relay]
        networks = []
        [proxy_protocol]
        from = ["127.0.0.1/32"]
        listeners = ["smtp"]
        timeout = "1s"
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
    return s;
  }

  /** A v2 PROXY header for TCP over IPv4 or IPv6, with a NOOP TLV the server must skip. */
  private static byte[] v2(String client, String server, int command) throws Exception {
    byte[] c = InetAddress.getByName(client).getAddress();
    byte[] d = InetAddress.getByName(server).getAddress();
    byte[] tlv = {0x04, 0x00, 0x02, 'h', 'i'};
    int body = 2 * c.length + 4 + tlv.length;
    return ByteBuffer.allocate(16 + body).put(SIGNATURE).put((byte) (0x20 | command))
        .put((byte) (c.length == 4 ? 0x11 : 0x21)).putShort((short) body)
        .put(c).put(d).putShort((short) 41000).putShort((short) 25).put(tlv).array();
  }

  private static void deliver(SmtpScript s, String subject) throws Exception {
    s.expect("220 mx.example.test ESMTP*");
    s.send("EHLO client.example").expect("250 *");
    s.send("MAIL FROM:<>").expect("250 *");
    s.send("RCPT TO:<bob@example.test>").expect("250 *");
    s.send("DATA").expect("354 *");
    s.raw("Subject: " + subject + "\r\n\r\nhello\r\n.\r\n").expect("250 2.0.0 Ok: queued as *");
    s.send("QUIT").expect("221 *");
  }

  @Test
  void aV1HeaderNamesTheClientInTheReceivedField() throws Exception {
    try (SmtpScript s = new SmtpScript(from("127.0.0.1"))) {
      s.raw("PROXY TCP4 192.0.2.10 127.0.0.1 41000 25\r\n");
      deliver(s, "proxied v1");
    }
    assertThat(t.awaitMessageContaining("bob@example.test", "Subject: proxied v1")).contains("Received: from client.example ([192.0.2.10])");
  }

  @Test
  void v2HeadersForIpv4AndIpv6NameTheClient() throws Exception {
    try (SmtpScript s = new SmtpScript(from("127.0.0.1"))) {
      s.rawBytes(v2("192.0.2.20", "127.0.0.1", 1));
      deliver(s, "proxied v2");
    }
    assertThat(t.awaitMessageContaining("bob@example.test", "Subject: proxied v2")).contains("Received: from client.example ([192.0.2.20])");
    try (SmtpScript s = new SmtpScript(from("127.0.0.1"))) {
      s.rawBytes(v2("2001:db8::20", "2001:db8::1", 1));
      deliver(s, "proxied v2 over IPv6");
    }
    assertThat(t.awaitMessageContaining("bob@example.test", "Subject: proxied v2 over IPv6")).contains("Received: from client.example ([2001:db8:0:0:0:0:0:20])");
  }

  @Test
  void aLocalCommandKeepsTheProxysOwnAddress() throws Exception {
    try (SmtpScript s = new SmtpScript(from("127.0.0.1"))) {
      s.rawBytes(v2("192.0.2.99", "127.0.0.1", 0));
      deliver(s, "health check");
    }
    assertThat(t.awaitMessageContaining("bob@example.test", "Subject: health check")).contains("Received: from client.example ([127.0.0.1])");
  }

  @Test
  void aBanAppliesToTheClientBehindTheProxy() throws Exception {
    t.server.bans().add("192.0.2.66", java.util.Optional.of(java.time.Duration.ofHours(1)), "test");
    try {
      try (SmtpScript s = new SmtpScript(from("127.0.0.1"))) {
        s.raw("PROXY TCP4 192.0.2.66 127.0.0.1 41000 25\r\n");
        s.expect("554 5.7.1 mx.example.test Error: client 192.0.2.66 is banned until *");
        assertThat(s.closedByServer()).isTrue();
      }
      try (SmtpScript s = new SmtpScript(from("127.0.0.1"))) {
        s.raw("PROXY TCP4 192.0.2.67 127.0.0.1 41000 25\r\n");
        s.expect("220 *"); // the proxy itself, and its other clients, are not banned
      }
    } finally {
      t.server.bans().remove("192.0.2.66");
    }
  }

  @Test
  void theProxyMustSendAHeader() throws Exception {
    try (SmtpScript s = new SmtpScript(from("127.0.0.1"))) {
      s.send("EHLO client.example"); // not a header: refused without a word
      assertThat(s.closedByServer()).isTrue();
    }
    try (SmtpScript s = new SmtpScript(from("127.0.0.1"))) {
      assertThat(s.closedByServer()).as("silent until the time-out").isTrue();
    }
  }

  @Test
  void aClientThatIsNoProxyIsServedButMayNotSendAHeader() throws Exception {
    try (SmtpScript s = new SmtpScript(from("127.0.0.2"))) {
      deliver(s, "direct client");
    }
    assertThat(t.awaitMessageContaining("bob@example.test", "Subject: direct client")).contains("Received: from client.example ([127.0.0.2])");
    try (SmtpScript s = new SmtpScript(from("127.0.0.2"))) {
      s.expect("220 *");
      s.raw("PROXY TCP4 192.0.2.10 127.0.0.1 41000 25\r\n");
      assertThat(s.closedByServer()).isTrue();
    }
  }
}
