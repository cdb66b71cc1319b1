package dev.postamt.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** PROXY protocol headers (HAProxy's proxy-protocol.txt), v1 and v2, parsed and read off a socket. */
class ProxyHeaderTest {

  /** A v2 header built by hand: signature, version/command, family, length, body. */
  static byte[] v2(int command, int family, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(16 + body.length);
    b.put(ProxyHeader.V2_SIGNATURE).put((byte) (0x20 | command)).put((byte) family).putShort((short) body.length).put(body);
    return b.array();
  }

  /** The address block of a v2 PROXY header for TCP, then {@code tlvs}. */
  static byte[] v2Body(String src, String dst, int sport, int dport, byte[] tlvs) throws Exception {
    byte[] s = InetAddress.getByName(src).getAddress();
    byte[] d = InetAddress.getByName(dst).getAddress();
    return ByteBuffer.allocate(2 * s.length + 4 + tlvs.length).put(s).put(d).putShort((short) sport).putShort((short) dport).put(tlvs).array();
  }

  @ParameterizedTest
  @CsvSource({
    "'PROXY TCP4 192.0.2.10 198.51.100.1 56324 25', 192.0.2.10, 56324, 198.51.100.1, 25",
    "'PROXY TCP6 2001:db8::5 2001:db8::1 65535 993', 2001:db8:0:0:0:0:0:5, 65535, 2001:db8:0:0:0:0:0:1, 993",
  })
  void v1LinesNameTheClient(String line, String src, int sport, String dst, int dport) throws Exception {
    ProxyHeader.Addresses a = ProxyHeader.parseV1(line).orElseThrow();
    assertThat(a.source().getAddress().getHostAddress()).isEqualTo(src);
    assertThat(a.source().getPort()).isEqualTo(sport);
    assertThat(a.destination().getAddress().getHostAddress()).isEqualTo(dst);
    assertThat(a.destination().getPort()).isEqualTo(dport);
  }

  @Test
  void v1UnknownMeansTheConnectionsOwnAddresses() throws Exception {
    assertThat(ProxyHeader.parseV1("PROXY UNKNOWN")).isEmpty();
    assertThat(ProxyHeader.parseV1("PROXY UNKNOWN ffff::1 ffff::2 1 2")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "PROXY TCP4 192.0.2.10 198.51.100.1 56324",
    "PROXY TCP4 2001:db8::5 198.51.100.1 1 25",
    "PROXY TCP6 192.0.2.10 2001:db8::1 1 25",
    "PROXY TCP4 192.0.2.300 198.51.100.1 1 25",
    "PROXY TCP4 192.0.2.10 198.51.100.1 65536 25",
    "PROXY TCP4 192.0.2.10 198.51.100.1 -1 25",
    "PROXY TCP4 example.test 198.51.100.1 1 25",
    "PROXY UDP4 192.0.2.10 198.51.100.1 1 25",
    "PROXY  TCP4 192.0.2.10 198.51.100.1 1 25",
    "HELO there",
  })
  void malformedV1LinesAreRefused(String line) {
    assertThatThrownBy(() -> ProxyHeader.parseV1(line)).isInstanceOf(ProxyHeader.Malformed.class);
  }

  @Test
  void v2Tcp4WithTlvsNamesTheClient() throws Exception {
    byte[] tlvs = {0x04, 0x00, 0x03, 'a', 'b', 'c', 0x02, 0x00, 0x01, 'x'}; // NOOP and AUTHORITY, skipped
    ProxyHeader.Addresses a = ProxyHeader.parseV2(0x21, 0x11, v2Body("192.0.2.20", "127.0.0.1", 40000, 25, tlvs)).orElseThrow();
    assertThat(a.source()).isEqualTo(new InetSocketAddress(InetAddress.getByName("192.0.2.20"), 40000));
    assertThat(a.destination()).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 25));
  }

  @Test
  void v2Tcp6NamesTheClient() throws Exception {
    ProxyHeader.Addresses a = ProxyHeader.parseV2(0x21, 0x21, v2Body("2001:db8::7", "2001:db8::1", 1, 465, new byte[0])).orElseThrow();
    assertThat(a.source().getAddress()).isEqualTo(InetAddress.getByName("2001:db8::7"));
    assertThat(a.destination().getPort()).isEqualTo(465);
  }

  @Test
  void v2LocalUnspecAndUnixMeanTheConnectionsOwnAddresses() throws Exception {
    assertThat(ProxyHeader.parseV2(0x20, 0x11, v2Body("192.0.2.20", "127.0.0.1", 1, 2, new byte[0]))).isEmpty();
    assertThat(ProxyHeader.parseV2(0x21, 0x00, new byte[0])).isEmpty();
    assertThat(ProxyHeader.parseV2(0x21, 0x31, new byte[216])).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "0x11, 0x11, 12", // version 1 in the binary form
    "0x22, 0x11, 12", // command 2
    "0x21, 0x12, 12", // UDP
    "0x21, 0x11, 11", // address block too short
    "0x21, 0x21, 12", // IPv6 needs 36 bytes
    "0x21, 0x41, 12", // unknown family
  })
  void malformedV2HeadersAreRefused(String versionCommand, String family, int length) {
    assertThatThrownBy(() -> ProxyHeader.parseV2(Integer.decode(versionCommand), Integer.decode(family), new byte[length]))
        .isInstanceOf(ProxyHeader.Malformed.class);
  }

  /** Reads a header the peer sends, then the byte after it must still be there (nothing read ahead). */
  private static Optional<ProxyHeader.Addresses> readOff(byte[] sent, Duration timeout, boolean thenClose) throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort());
        Socket s = ss.accept()) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.write(sent);
      all.write("EHLO x\r\n".getBytes(StandardCharsets.US_ASCII));
      if (!thenClose) {
        client.getOutputStream().write(all.toByteArray());
      } else {
        client.getOutputStream().write(sent);
        client.shutdownOutput();
      }
      Optional<ProxyHeader.Addresses> a = ProxyHeader.read(s, timeout);
      if (!thenClose) {
        InputStream in = s.getInputStream();
        assertThat(new String(in.readNBytes(8), StandardCharsets.US_ASCII)).isEqualTo("EHLO x\r\n");
      }
      return a;
    }
  }

  @Test
  void readsV1AndV2OffTheSocketAndNotOneByteMore() throws Exception {
    assertThat(readOff("PROXY TCP4 192.0.2.10 127.0.0.1 5000 25\r\n".getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(5), false))
        .get().extracting(a -> a.source().getAddress().getHostAddress()).isEqualTo("192.0.2.10");
    assertThat(readOff(v2(1, 0x11, v2Body("192.0.2.30", "127.0.0.1", 5000, 25, new byte[] {0x04, 0, 1, 0})), Duration.ofSeconds(5), false))
        .get().extracting(a -> a.source().getAddress().getHostAddress()).isEqualTo("192.0.2.30");
  }

  @Test
  void aTruncatedOrTooLongOrSlowHeaderIsRefused() {
    assertThatThrownBy(() -> readOff("PROXY TCP4 192.0.2.10".getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(5), true))
        .isInstanceOf(ProxyHeader.Malformed.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> readOff(("PROXY TCP4 " + "1".repeat(120) + "\r\n").getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(5), false))
        .isInstanceOf(ProxyHeader.Malformed.class).hasMessageContaining("longer than 107");
    assertThatThrownBy(() -> readOff("PROXY TCP4 192.0.2.10 127.0.0.1 5000 25\n".getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(5), false))
        .isInstanceOf(ProxyHeader.Malformed.class).hasMessageContaining("CRLF");
    byte[] huge = v2(1, 0x11, new byte[0]);
    huge[14] = (byte) 0xff; // length 65280
    assertThatThrownBy(() -> readOff(huge, Duration.ofSeconds(5), true))
        .isInstanceOf(ProxyHeader.Malformed.class).hasMessageContaining("longer than 4096");
    // half a header and then nothing: the time-out ends the wait
    assertThatThrownBy(() -> readOffSlow("PROXY TCP4 ".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(ProxyHeader.Malformed.class).hasMessageContaining("not complete within 200 ms");
    assertThatThrownBy(() -> readOff("EHLO client.example\r\n".getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(5), false))
        .isInstanceOf(ProxyHeader.Malformed.class).hasMessageContaining("no PROXY header");
  }

  private static void readOffSlow(byte[] sent) throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort());
        Socket s = ss.accept()) {
      client.getOutputStream().write(sent);
      ProxyHeader.read(s, Duration.ofMillis(200));
    }
  }

  @Test
  void theFirstBytesOfAClientAreRecognisedAsAHeader() {
    assertThat(ProxyHeader.looksLikeHeader("PROXY TCP4".getBytes(StandardCharsets.US_ASCII), 6)).isTrue();
    assertThat(ProxyHeader.looksLikeHeader(ProxyHeader.V2_SIGNATURE, 6)).isTrue();
    assertThat(ProxyHeader.looksLikeHeader("EHLO x".getBytes(StandardCharsets.US_ASCII), 6)).isFalse();
    assertThat(ProxyHeader.looksLikeHeader("\r\n\r\nQU".getBytes(StandardCharsets.US_ASCII), 6)).isFalse();
  }
}
