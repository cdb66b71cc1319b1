package dev.postamt.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A conversation DSL for SMTP tests: {@code s.send("MAIL FROM:<a@b>").expect("250 2.1.0*")}. Patterns
 * match a whole reply line; {@code *} matches any run of characters. Multi-line replies are read to
 * their last line; {@link #expect} checks that last line, {@link #expectLines} all of them.
 */
public final class SmtpScript implements AutoCloseable {
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private List<String> last = List.of();

  public SmtpScript(Socket socket) throws IOException {
    attach(socket);
    socket.setSoTimeout(15_000);
  }

  public static SmtpScript connect(int port) throws IOException {
    return new SmtpScript(new Socket("127.0.0.1", port));
  }

  public static SmtpScript connectTls(int port) throws Exception {
    SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", port);
    s.startHandshake();
    return new SmtpScript(s);
  }

  private void attach(Socket s) throws IOException {
    this.socket = s;
    this.in = new BufferedInputStream(s.getInputStream());
    this.out = s.getOutputStream();
  }

  public static SSLContext trustAll() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] c, String a) {}

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        new SecureRandom());
    return ctx;
  }

  public SmtpScript send(String line) throws IOException {
    return raw(line + "\r\n");
  }

  public SmtpScript raw(String data) throws IOException {
    out.write(data.getBytes(StandardCharsets.UTF_8));
    out.flush();
    return this;
  }

  public SmtpScript rawBytes(byte[] data) throws IOException {
    out.write(data);
    out.flush();
    return this;
  }

  /** Reads one reply (all its lines). */
  public List<String> read() throws IOException {
    List<String> lines = new ArrayList<>();
    while (true) {
      String l = readLine();
      if (l == null) {
        throw new IOException("connection closed; reply so far: " + lines);
      }
      lines.add(l);
      if (l.length() < 4 || l.charAt(3) != '-') {
        last = lines;
        return lines;
      }
    }
  }

  public SmtpScript expect(String pattern) throws IOException {
    List<String> r = read();
    assertThat(r.getLast()).as("reply %s", r).matches(glob(pattern));
    return this;
  }

  public SmtpScript expectLines(String... patterns) throws IOException {
    List<String> r = read();
    assertThat(r).as("reply").hasSize(patterns.length);
    for (int i = 0; i < patterns.length; i++) {
      assertThat(r.get(i)).matches(glob(patterns[i]));
    }
    return this;
  }

  public List<String> lastReply() {
    return last;
  }

  /** True when the server has closed the connection (reads EOF). */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  /** STARTTLS handshake as a client that trusts anything (after the 220 reply was read). */
  public SmtpScript upgradeTls() throws Exception {
    SSLSocket s =
        (SSLSocket) trustAll().getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
    s.setUseClientMode(true);
    s.startHandshake();
    attach(s);
    return this;
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        byte[] a = b.toByteArray();
        int len = a.length > 0 && a[a.length - 1] == '\r' ? a.length - 1 : a.length;
        return new String(a, 0, len, StandardCharsets.UTF_8);
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
  }

  static String glob(String pattern) {
    StringBuilder b = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      if (c == '*') {
        b.append(".*");
      } else {
        b.append(java.util.regex.Pattern.quote(String.valueOf(c)));
      }
    }
    return b.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
