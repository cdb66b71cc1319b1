package dev.postamt.managesieve;

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
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLSocket;

/**
 * A raw ManageSieve client for tests: {@code c.send("LISTSCRIPTS").response()} returns every line up to
 * and including the final OK/NO/BYE, literals inlined ({@code {n}} is followed by its octets as they
 * came, then the rest of the line).
 */
final class SieveClient implements AutoCloseable {
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  SieveClient(Socket s) throws IOException {
    attach(s);
    s.setSoTimeout(15_000);
  }

  static SieveClient connect(int port) throws IOException {
    return new SieveClient(new Socket("127.0.0.1", port));
  }

  private void attach(Socket s) throws IOException {
    socket = s;
    in = new BufferedInputStream(s.getInputStream());
    out = s.getOutputStream();
  }

  SieveClient send(String line) throws IOException {
    return raw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  SieveClient raw(byte[] data) throws IOException {
    out.write(data);
    out.flush();
    return this;
  }

  /** {@code COMMAND "name" {n+}} CRLF script CRLF: a command whose last argument is a literal. */
  SieveClient sendWithLiteral(String commandAndArgs, String literal) throws IOException {
    byte[] b = literal.getBytes(StandardCharsets.UTF_8);
    return send(commandAndArgs + " {" + b.length + "+}\r\n" + literal);
  }

  /** Lines up to and including the first that starts with OK, NO or BYE. */
  List<String> response() throws IOException {
    List<String> lines = new ArrayList<>();
    while (true) {
      String l = readLine();
      assertThat(l).as("response ended early after %s", lines).isNotNull();
      lines.add(l);
      if (l.startsWith("OK") || l.startsWith("NO") || l.startsWith("BYE")) {
        return lines;
      }
    }
  }

  /** The final status line of the response (checked against {@code pattern}, {@code *} a wildcard). */
  String expect(String pattern) throws IOException {
    List<String> r = response();
    String last = r.getLast();
    assertThat(last).as("response %s", r).matches(glob(pattern));
    return last;
  }

  /** The greeting or a CAPABILITY response: the capability lines, the OK checked. */
  List<String> capabilities() throws IOException {
    List<String> r = response();
    assertThat(r.getLast()).startsWith("OK");
    return r.subList(0, r.size() - 1);
  }

  SieveClient startTls() throws Exception {
    send("STARTTLS");
    expect("OK*");
    SSLSocket s = (SSLSocket) SmtpScript.trustAll().getSocketFactory()
        .createSocket(socket, "127.0.0.1", socket.getPort(), true);
    s.setUseClientMode(true);
    s.startHandshake();
    attach(s);
    capabilities(); // RFC 5804 §2.2: sent again after the handshake
    return this;
  }

  /** AUTHENTICATE PLAIN with the initial response; returns the status line. */
  String plain(String user, String password) throws IOException {
    String ir = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    send("AUTHENTICATE \"PLAIN\" \"" + ir + "\"");
    return response().getLast();
  }

  /** A line, with a literal announced at its end read in whole and appended (CRLF kept). */
  String readLine() throws IOException {
    String l = rawLine();
    if (l == null) {
      return null;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{(\\d+)\\+?}$").matcher(l);
    if (m.find()) {
      byte[] body = in.readNBytes(Integer.parseInt(m.group(1)));
      String rest = rawLine();
      return l + "\r\n" + new String(body, StandardCharsets.UTF_8) + rest;
    }
    return l;
  }

  private String rawLine() throws IOException {
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

  /** True when the server has closed the connection. */
  boolean closedByServer() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  static String glob(String pattern) {
    StringBuilder b = new StringBuilder("(?s)");
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
