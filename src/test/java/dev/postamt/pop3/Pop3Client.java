package dev.postamt.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;

/**
 * A conversation DSL for POP3 tests: {@code c.send("STAT").expect("+OK 2 *")}. Patterns match a whole
 * line; {@code *} matches any run of characters. {@link #multi} reads a multi-line body up to the
 * terminating "." and undoes the byte-stuffing, {@link #rawBody} keeps the wire bytes.
 */
public final class Pop3Client implements AutoCloseable {
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  Pop3Client(Socket s) throws IOException {
    attach(s);
    s.setSoTimeout(15_000);
  }

  public static Pop3Client connect(int port) throws IOException {
    return new Pop3Client(new Socket("127.0.0.1", port));
  }

  public static Pop3Client connectTls(int port) throws Exception {
    return connectTls("127.0.0.1", port);
  }

  /** Over implicit TLS to {@code host} (a loopback address of a test server), the certificate not checked. */
  public static Pop3Client connectTls(String host, int port) throws Exception {
    SSLSocket s = (SSLSocket) SmtpScript.trustAll().getSocketFactory().createSocket(host, port);
    s.startHandshake();
    return new Pop3Client(s);
  }

  private void attach(Socket s) throws IOException {
    socket = s;
    in = new BufferedInputStream(s.getInputStream());
    out = s.getOutputStream();
  }

  public Pop3Client send(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    return this;
  }

  Pop3Client raw(byte[] data) throws IOException {
    out.write(data);
    out.flush();
    return this;
  }

  /** Reads one line and checks it against the pattern; returns the line. */
  String expectLine(String pattern) throws IOException {
    String l = readLine();
    assertThat(l).as("server line").isNotNull();
    assertThat(l).matches(glob(pattern));
    return l;
  }

  public Pop3Client expect(String pattern) throws IOException {
    expectLine(pattern);
    return this;
  }

  /** The lines of a multi-line body (after its status line was read), dot-stuffing undone. */
  public List<String> multi() throws IOException {
    List<String> lines = new ArrayList<>();
    while (true) {
      String l = readLine();
      assertThat(l).as("multi-line body ended early: %s", lines).isNotNull();
      if (l.equals(".")) {
        return lines;
      }
      lines.add(l.startsWith(".") ? l.substring(1) : l);
    }
  }

  /** The raw bytes of a multi-line body up to and including the terminating ".CRLF". */
  byte[] rawBody() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 2; // 0 mid-line, 1 after CR, 2 at line start, 3 "." at line start, 4 ".CR"
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed in a multi-line body");
      }
      b.write(c);
      state = switch (state) {
        case 2 -> c == '.' ? 3 : c == '\r' ? 1 : 0;
        case 3 -> c == '\r' ? 4 : 0;
        case 4 -> c == '\n' ? 5 : 0;
        default -> c == '\r' ? 1 : (state == 1 && c == '\n') ? 2 : 0;
      };
      if (state == 5) {
        return b.toByteArray();
      }
    }
  }

  /** Logs in with USER/PASS and checks the "+OK". */
  public Pop3Client login(String user, String password) throws IOException {
    send("USER " + user).expect("+OK*");
    return send("PASS " + password).expect("+OK*");
  }

  /** STLS after the greeting was read. */
  Pop3Client stls() throws Exception {
    send("STLS");
    return stlsAfterReply();
  }

  /** Reads the STLS "+OK" (the command was sent already) and does the handshake. */
  Pop3Client stlsAfterReply() throws Exception {
    expect("+OK*");
    SSLSocket s = (SSLSocket) SmtpScript.trustAll().getSocketFactory()
        .createSocket(socket, "127.0.0.1", socket.getPort(), true);
    s.setUseClientMode(true);
    s.startHandshake();
    attach(s);
    return this;
  }

  /** True when the server has closed the connection (reads EOF). */
  boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  String readLine() throws IOException {
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

  private static String glob(String pattern) {
    StringBuilder b = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      b.append(c == '*' ? ".*" : java.util.regex.Pattern.quote(String.valueOf(c)));
    }
    return b.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
