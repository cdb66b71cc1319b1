package dev.postamt.delivery.tls;

import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTPS GET as RFC 8461 §3.3 asks of a policy fetch: the host's addresses from our own resolver
 * (the same DNS the MX lookup used, the zone file in tests), TLS with the certificate verified and the
 * host name checked (endpoint identification HTTPS, RFC 2818), HTTP/1.1 with {@code Connection:
 * close}, no redirects followed, at most {@code maxBody} bytes of body (Content-Length, chunked, or
 * to the end of the connection), everything within {@code timeout}.
 */
final class HttpsFetch {
  /** The answer: status, Content-Type (empty when none) and body. */
  record Answer(int status, String contentType, byte[] body) {}

  private HttpsFetch() {}

  static Answer get(Resolver dns, TrustedTls tls, String host, int port, String path, int maxBody, Duration timeout)
      throws IOException {
    List<InetAddress> addresses = new ArrayList<>();
    DnsResult<InetAddress> a = dns.a(host);
    DnsResult<InetAddress> aaaa = dns.aaaa(host);
    addresses.addAll(a.records());
    addresses.addAll(aaaa.records());
    if (addresses.isEmpty()) {
      throw new IOException("no address for " + host);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    IOException last = null;
    for (InetAddress address : addresses) {
      try {
        return get(address, tls, host, port, path, maxBody, deadline);
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private static Answer get(InetAddress address, TrustedTls tls, String host, int port, String path, int maxBody, long deadline)
      throws IOException {
    int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(address, port), left);
      plain.setSoTimeout(left);
      try (SSLSocket s = (SSLSocket) tls.context().getSocketFactory().createSocket(plain, host, port, true)) {
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(host)));
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        s.startHandshake();
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + (port == 443 ? "" : ":" + port)
            + "\r\nUser-Agent: Postamt\r\nAccept: text/plain\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        String status = line(in);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[0-9]{3}")) {
          throw new IOException("not an HTTP answer: " + status);
        }
        String type = "";
        long length = -1;
        boolean chunked = false;
        for (int n = 0; ; n++) {
          String h = line(in);
          if (h.isEmpty()) {
            break;
          }
          if (n > 100) {
            throw new IOException("too many header fields");
          }
          int colon = h.indexOf(':');
          if (colon <= 0) {
            continue;
          }
          String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
          String value = h.substring(colon + 1).strip();
          switch (name) {
            case "content-type" -> type = value;
            case "content-length" -> length = value.matches("[0-9]{1,12}") ? Long.parseLong(value) : -1;
            case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
            default -> {
              // not needed
            }
          }
        }
        byte[] body = chunked ? chunked(in, maxBody) : upTo(in, length < 0 ? maxBody + 1L : Math.min(length, maxBody + 1L));
        if (body.length > maxBody) {
          throw new IOException("the body is larger than " + maxBody + " bytes");
        }
        return new Answer(Integer.parseInt(parts[1]), type, body);
      }
    }
  }

  private static byte[] chunked(InputStream in, int maxBody) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      String size = line(in);
      int semi = size.indexOf(';');
      String hex = (semi < 0 ? size : size.substring(0, semi)).strip();
      if (!hex.matches("[0-9A-Fa-f]{1,7}")) {
        throw new IOException("bad chunk size");
      }
      int n = Integer.parseInt(hex, 16);
      if (n == 0) {
        return out.toByteArray();
      }
      if (out.size() + n > maxBody) {
        return new byte[maxBody + 1];
      }
      out.write(in.readNBytes(n));
      line(in);
    }
  }

  private static byte[] upTo(InputStream in, long n) throws IOException {
    return in.readNBytes((int) n);
  }

  /** One CRLF-terminated line of at most 8 KiB, without the line end. */
  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int len = b.length();
        return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
      }
      if (b.length() > 8192) {
        throw new IOException("header line too long");
      }
      b.append((char) c);
    }
    if (b.isEmpty()) {
      throw new IOException("connection closed");
    }
    return b.toString();
  }
}
