package dev.postamt.im2000;

import dev.postamt.delivery.tls.TrustedTls;
import dev.postamt.dns.Resolver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The HTTPS requests IM2000 makes to other servers: host addresses from our own resolver (the zone file
 * in tests), the certificate verified against the JDK's trust store plus {@code [delivery] tls_trust} and
 * the host name checked (RFC 2818 endpoint identification), HTTP/1.1 with {@code Connection: close}, no
 * redirects, a bounded body, one deadline for the whole exchange.
 */
final class HttpsClient {
  /** An answer: the status and the body. */
  record Answer(int status, byte[] body) {}

  private final Resolver dns;
  private final TrustedTls tls;
  private final Duration timeout;

  HttpsClient(Resolver dns, TrustedTls tls, Duration timeout) {
    this.dns = dns;
    this.tls = tls;
    this.timeout = timeout;
  }

  /**
   * One request. {@code signature} (may be null) goes in the {@link Signatures#HEADER} header.
   *
   * @throws IOException when no connection, TLS or HTTP exchange could be completed, or the body
   *     exceeds {@code maxBody}
   */
  Answer send(String method, URI uri, String signature, byte[] body, long maxBody) throws IOException {
    if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IOException("not an https URL: " + uri);
    }
    String host = uri.getHost();
    int port = uri.getPort() < 0 ? 443 : uri.getPort();
    List<InetAddress> addresses = new ArrayList<>();
    if (host.matches("[0-9.]+") || host.startsWith("[")) {
      addresses.add(InetAddress.getByName(host));
    } else {
      addresses.addAll(dns.a(host).records());
      addresses.addAll(dns.aaaa(host).records());
    }
    if (addresses.isEmpty()) {
      throw new IOException("no address for " + host);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    IOException last = null;
    for (InetAddress a : addresses) {
      try {
        return send(a, host, port, method, target(uri), signature, body, maxBody, deadline);
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  /** The request target: path and query, as signed. */
  static String target(URI uri) {
    return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  private Answer send(InetAddress address, String host, int port, String method, String target, String signature,
      byte[] body, long maxBody, long deadline) throws IOException {
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
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ")
            .append(host).append(port == 443 ? "" : ":" + port).append("\r\nUser-Agent: Postamt-IM2000\r\nConnection: close\r\n");
        if (signature != null) {
          head.append(Signatures.HEADER).append(": ").append(signature).append("\r\n");
        }
        if (body != null) {
          head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        OutputStream out = s.getOutputStream();
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        if (body != null) {
          out.write(body);
        }
        out.flush();
        dev.postamt.net.HttpResponse r = dev.postamt.net.HttpResponse.read(new java.io.BufferedInputStream(s.getInputStream()), maxBody);
        return new Answer(r.status(), r.body());
      }
    }
  }
}
