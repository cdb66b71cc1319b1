package dev.postamt.collect;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One connection to a remote POP3 or IMAP server: TCP with a time-out on the connect and on every read,
 * TLS from the start or after STARTTLS, and CRLF lines of bounded length. The certificate is checked
 * against the JDK's trust store and the host name (RFC 6125) unless the account is {@code --insecure}.
 */
final class RemoteLink implements AutoCloseable {
  /** Longer lines than this end the run: no legitimate response line comes near it. */
  static final int MAX_LINE = 64 * 1024;

  private final RemoteUrl url;
  private final boolean insecure;
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private boolean secure;

  private RemoteLink(RemoteUrl url, boolean insecure) {
    this.url = url;
    this.insecure = insecure;
  }

  static RemoteLink connect(RemoteUrl url, boolean insecure, Duration timeout) throws IOException {
    RemoteLink l = new RemoteLink(url, insecure);
    Socket plain = new Socket();
    try {
      plain.connect(new InetSocketAddress(url.host(), url.port()), (int) Math.min(timeout.toMillis(), 60_000));
      plain.setSoTimeout((int) timeout.toMillis());
      l.use(url.implicitTls() ? l.wrap(plain) : plain);
    } catch (IOException e) {
      plain.close();
      throw e;
    }
    return l;
  }

  private void use(Socket s) throws IOException {
    socket = s;
    secure = s instanceof SSLSocket;
    in = new BufferedInputStream(s.getInputStream(), 65536);
    out = s.getOutputStream();
  }

  /** Upgrades the connection after the server accepted STARTTLS / STLS (RFC 2595 §4). */
  void startTls() throws IOException {
    use(wrap(socket));
  }

  /** The time-out of each read from now on (IMAP IDLE waits longer than a reply). */
  void readTimeout(Duration d) throws IOException {
    socket.setSoTimeout((int) Math.min(d.toMillis(), Integer.MAX_VALUE));
  }

  boolean secure() {
    return secure;
  }

  private SSLSocket wrap(Socket plain) throws IOException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      TrustManager[] trust = insecure ? new TrustManager[] {new TrustAll()} : null;
      ctx.init(null, trust, new SecureRandom());
      SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, url.host(), url.port(), true);
      if (!insecure) {
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the name must match the certificate
        s.setSSLParameters(p);
      }
      s.startHandshake();
      return s;
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS: " + e.getMessage(), e);
    } catch (javax.net.ssl.SSLException e) {
      throw new IOException("TLS with " + url.host() + " failed: " + e.getMessage()
          + (insecure ? "" : " (a self-signed certificate needs --insecure)"), e);
    }
  }

  /** Accepts any certificate: only for accounts added with {@code --insecure}. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  void write(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** One line without its CRLF (a bare LF ends a line too); end of stream is an IOException. */
  String line() throws IOException {
    byte[] b = rawLine();
    if (b == null) {
      throw new IOException("the server closed the connection");
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  /** One line's bytes without the line end, or null at end of stream. */
  byte[] rawLine() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        byte[] x = b.toByteArray();
        if (x.length > 0 && x[x.length - 1] == '\r') {
          return java.util.Arrays.copyOf(x, x.length - 1);
        }
        return x;
      }
      if (b.size() >= MAX_LINE) {
        throw new IOException("the server sent a line longer than " + MAX_LINE + " bytes");
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toByteArray();
  }

  /** Exactly {@code n} bytes (an IMAP literal). */
  byte[] bytes(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new IOException("the server closed the connection inside a message");
    }
    return b;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closed either way
    }
  }
}
