package dev.postamt.delivery.tls;

import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        dev.postamt.net.HttpResponse r = dev.postamt.net.HttpResponse.read(s.getInputStream(), maxBody);
        return new Answer(r.status(), r.contentType(), r.body());
      }
    }
  }
}
