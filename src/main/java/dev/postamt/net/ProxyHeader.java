package dev.postamt.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads HAProxy's PROXY protocol header (proxy-protocol.txt, versions 1 and 2) from a freshly
 * accepted socket, before any greeting or TLS handshake, byte for byte so that nothing after it is
 * read ahead: the protocol (or the TLS layer) then starts exactly where the header ended.
 *
 * <p>Version 1 is one text line of at most {@value #V1_MAX} bytes ({@code PROXY TCP4 src dst sport
 * dport\r\n}, {@code TCP6}, or {@code UNKNOWN}); version 2 is the 12-byte signature, a version and
 * command byte, a family byte, a 16-bit length and that many bytes of addresses and TLVs (the TLVs
 * are skipped). A {@code LOCAL} command (v2, a proxy's own health check), {@code UNKNOWN} (v1), and
 * the families the spec lets a receiver not understand (UNSPEC, UNIX) mean "use the connection's own
 * addresses": {@link #read} answers empty. Anything else malformed, larger than {@value #V2_MAX_BODY}
 * bytes of body, or not complete within the time-out is a {@link Malformed}.
 */
public final class ProxyHeader {
  /** proxy-protocol.txt §2.1: the longest v1 line, CRLF included. */
  static final int V1_MAX = 107;
  /** Addresses and TLVs we accept after the v2 fixed part; real proxies send a few hundred at most. */
  static final int V2_MAX_BODY = 4096;
  /** proxy-protocol.txt §2.2: the v2 signature. */
  static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

  private ProxyHeader() {}

  /** The client and the address it connected to, as the proxy saw them. */
  public record Addresses(InetSocketAddress source, InetSocketAddress destination) {}

  /** A header that is missing, malformed, too long or too slow; the connection is refused. */
  public static final class Malformed extends IOException {
    public Malformed(String message) {
      super(message);
    }
  }

  /**
   * Reads the header from {@code socket} within {@code timeout} (as a whole); empty when it says to
   * use the connection's own addresses. The socket's read time-out is changed; the caller sets its own
   * afterwards.
   */
  public static Optional<Addresses> read(Socket socket, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    InputStream in = socket.getInputStream();
    Reader r = new Reader(socket, in, deadline, timeout);
    int first = r.next();
    if (first == 'P') {
      return v1(r);
    }
    if (first == V2_SIGNATURE[0]) {
      return v2(r);
    }
    throw new Malformed("no PROXY header (first byte 0x" + Integer.toHexString(first) + ")");
  }

  /** Reads single bytes, each within what is left of the deadline. */
  private record Reader(Socket socket, InputStream in, long deadline, Duration timeout) {
    int next() throws IOException {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new Malformed("PROXY header not complete within " + timeout.toMillis() + " ms");
      }
      socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000)));
      int b;
      try {
        b = in.read();
      } catch (SocketTimeoutException e) {
        throw new Malformed("PROXY header not complete within " + timeout.toMillis() + " ms");
      }
      if (b < 0) {
        throw new Malformed("connection closed inside the PROXY header");
      }
      return b;
    }

    byte[] next(int n) throws IOException {
      byte[] b = new byte[n];
      for (int i = 0; i < n; i++) {
        b[i] = (byte) next();
      }
      return b;
    }
  }

  // ---- version 1 (proxy-protocol.txt §2.1) -------------------------------------------------------

  private static Optional<Addresses> v1(Reader r) throws IOException {
    byte[] line = new byte[V1_MAX];
    line[0] = 'P';
    int n = 1;
    while (true) {
      if (n == V1_MAX) {
        throw new Malformed("PROXY v1 line longer than " + V1_MAX + " bytes");
      }
      int b = r.next();
      line[n++] = (byte) b;
      if (b == '\n') {
        break;
      }
    }
    if (n < 2 || line[n - 2] != '\r') {
      throw new Malformed("PROXY v1 line does not end with CRLF");
    }
    return parseV1(new String(line, 0, n - 2, StandardCharsets.US_ASCII));
  }

  /** Parses a v1 line without its CRLF. */
  static Optional<Addresses> parseV1(String line) throws Malformed {
    String[] w = line.split(" ", -1);
    if (w.length < 2 || !w[0].equals("PROXY")) {
      throw new Malformed("not a PROXY v1 line: " + Printable.of(line));
    }
    if (w[1].equals("UNKNOWN")) {
      return Optional.empty(); // §2.1: the rest of the line is to be ignored
    }
    if (!w[1].equals("TCP4") && !w[1].equals("TCP6")) {
      throw new Malformed("PROXY v1 protocol \"" + Printable.of(w[1]) + "\" is not TCP4, TCP6 or UNKNOWN");
    }
    if (w.length != 6) {
      throw new Malformed("PROXY v1 line has " + w.length + " fields, not 6");
    }
    boolean v4 = w[1].equals("TCP4");
    InetAddress src = literal(w[2], v4);
    InetAddress dst = literal(w[3], v4);
    return Optional.of(new Addresses(new InetSocketAddress(src, port(w[4])), new InetSocketAddress(dst, port(w[5]))));
  }

  private static InetAddress literal(String s, boolean v4) throws Malformed {
    boolean ok = v4 ? s.matches("\\d{1,3}(\\.\\d{1,3}){3}") : s.matches("[0-9A-Fa-f:.]+") && s.contains(":");
    if (ok) {
      try {
        InetAddress a = InetAddress.ofLiteral(s);
        if ((a.getAddress().length == 4) == v4) {
          return a;
        }
      } catch (IllegalArgumentException e) {
        // reported below
      }
    }
    throw new Malformed("PROXY v1 address \"" + Printable.of(s) + "\" is not an IPv" + (v4 ? "4" : "6") + " address");
  }

  private static int port(String s) throws Malformed {
    if (!s.matches("0|[1-9]\\d{0,4}") || Integer.parseInt(s) > 65535) {
      throw new Malformed("PROXY v1 port \"" + Printable.of(s) + "\" is not 0-65535");
    }
    return Integer.parseInt(s);
  }

  // ---- version 2 (proxy-protocol.txt §2.2) -------------------------------------------------------

  private static Optional<Addresses> v2(Reader r) throws IOException {
    byte[] fixed = new byte[16];
    fixed[0] = V2_SIGNATURE[0];
    for (int i = 1; i < 16; i++) {
      fixed[i] = (byte) r.next();
      if (i < 12 && fixed[i] != V2_SIGNATURE[i]) {
        throw new Malformed("no PROXY header (bad v2 signature)");
      }
    }
    int length = ((fixed[14] & 0xff) << 8) | (fixed[15] & 0xff);
    if (length > V2_MAX_BODY) {
      throw new Malformed("PROXY v2 header of " + length + " bytes is longer than " + V2_MAX_BODY);
    }
    return parseV2(fixed[12] & 0xff, fixed[13] & 0xff, r.next(length));
  }

  /** The part of v2 after the signature: version and command, family, and the body (addresses and TLVs). */
  static Optional<Addresses> parseV2(int versionCommand, int family, byte[] body) throws Malformed {
    if (versionCommand >> 4 != 2) {
      throw new Malformed("PROXY v2 header of version " + (versionCommand >> 4));
    }
    int command = versionCommand & 0x0f;
    if (command == 0) {
      return Optional.empty(); // LOCAL: the proxy's own connection (a health check)
    }
    if (command != 1) {
      throw new Malformed("PROXY v2 command " + command + " is neither LOCAL nor PROXY");
    }
    int af = family >> 4;
    int transport = family & 0x0f;
    if (af == 0 || af == 3) {
      return Optional.empty(); // UNSPEC, UNIX: §2.2 says to use the real connection's addresses
    }
    if ((af != 1 && af != 2) || transport != 1) {
      throw new Malformed("PROXY v2 family 0x" + Integer.toHexString(family) + " is not TCP over IPv4 or IPv6");
    }
    int size = af == 1 ? 4 : 16;
    if (body.length < 2 * size + 4) {
      throw new Malformed("PROXY v2 address block of " + body.length + " bytes is too short");
    }
    InetAddress src = address(Arrays.copyOfRange(body, 0, size));
    InetAddress dst = address(Arrays.copyOfRange(body, size, 2 * size));
    int sport = ((body[2 * size] & 0xff) << 8) | (body[2 * size + 1] & 0xff);
    int dport = ((body[2 * size + 2] & 0xff) << 8) | (body[2 * size + 3] & 0xff);
    // what follows are TLVs (ALPN, authority, SSL details, …): not needed, skipped
    return Optional.of(new Addresses(new InetSocketAddress(src, sport), new InetSocketAddress(dst, dport)));
  }

  private static InetAddress address(byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 4 or 16 bytes are always an address
    }
  }

  /**
   * Whether {@code prefix} (the first bytes a client sent) begins a PROXY header, v1 or v2: checked
   * on connections that may not send one.
   */
  static boolean looksLikeHeader(byte[] prefix, int n) {
    byte[] v1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    return n >= 6 && Arrays.equals(prefix, 0, 6, v1, 0, 6) || n >= 6 && Arrays.equals(prefix, 0, 6, V2_SIGNATURE, 0, 6);
  }
}
