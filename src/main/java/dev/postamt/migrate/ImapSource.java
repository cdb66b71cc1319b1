package dev.postamt.migrate;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A small IMAP4rev1 client (RFC 3501) for reading another server's mailbox: LOGIN, LIST, SELECT
 * (read-only, EXAMINE), UID FETCH. Responses are read as lines with their literals ({@code {n}}), a
 * literal's bytes kept in a {@link Literal} (in memory up to 1 MiB, else in a temp file), so a large
 * message costs no more memory than a small one.
 */
final class ImapSource implements AutoCloseable {
  private static final int TIMEOUT_MS = 120_000;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private int tag;

  /** One response: its text (literals replaced by {@code \0n\0}, n their index) and its literals. */
  record Response(String text, List<Literal> literals) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      for (Literal l : literals) {
        l.close();
      }
    }
  }

  private ImapSource(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(TIMEOUT_MS);
    this.in = new BufferedInputStream(socket.getInputStream(), 65536);
    this.out = socket.getOutputStream();
  }

  /**
   * Connects to {@code imaps://host[:993]} (implicit TLS, RFC 8314) or {@code imap://host[:143]}
   * (STARTTLS when the server offers it, RFC 3501 §6.2.1), checking the certificate unless {@code insecure}.
   */
  static ImapSource connect(URI url, boolean insecure) throws IOException {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("imaps") && !scheme.equals("imap") || url.getHost() == null) {
      throw new IOException("--from must be imaps://host[:port] or imap://host[:port], got " + url);
    }
    boolean tls = scheme.equals("imaps");
    int port = url.getPort() > 0 ? url.getPort() : tls ? 993 : 143;
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress(url.getHost(), port), 30_000);
    ImapSource s;
    if (tls) {
      s = new ImapSource(wrap(plain, url.getHost(), port, insecure));
    } else {
      s = new ImapSource(plain);
    }
    try (Response greeting = s.read()) {
      if (!greeting.text().startsWith("* OK") && !greeting.text().startsWith("* PREAUTH")) {
        throw new IOException("not an IMAP server greeting: " + greeting.text());
      }
    }
    if (!tls) {
      List<Response> caps = s.command("CAPABILITY");
      boolean starttls = caps.stream().anyMatch(r -> r.text().toUpperCase(java.util.Locale.ROOT).contains("STARTTLS"));
      caps.forEach(ImapSource::closeQuietly);
      if (starttls) {
        s.command("STARTTLS").forEach(ImapSource::closeQuietly);
        return new ImapSource(wrap(s.socket, url.getHost(), port, insecure));
      }
    }
    return s;
  }

  private static SSLSocket wrap(Socket plain, String host, int port, boolean insecure) throws IOException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      TrustManager[] trust = null;
      if (insecure) {
        trust = new TrustManager[] {new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        }};
      }
      ctx.init(null, trust, new SecureRandom());
      SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, true);
      if (!insecure) {
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the host name must match the certificate
        s.setSSLParameters(p);
      }
      s.startHandshake();
      return s;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("TLS: " + e.getMessage(), e);
    }
  }

  static void closeQuietly(Response r) {
    try {
      r.close();
    } catch (IOException ignored) {
      // temp files only
    }
  }

  void login(String user, String password) throws IOException {
    command("LOGIN " + Tokens.quote(user) + " " + Tokens.quote(password)).forEach(ImapSource::closeQuietly);
  }

  /**
   * Sends a command and reads its responses up to the tagged one; a NO or BAD is an IOException
   * carrying the server's text. The caller closes the untagged responses returned.
   */
  List<Response> command(String command) throws IOException {
    String t = "m" + (++tag);
    out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    List<Response> untagged = new ArrayList<>();
    while (true) {
      Response r = read();
      if (r.text().startsWith(t + " ")) {
        String status = r.text().substring(t.length() + 1);
        if (!status.regionMatches(true, 0, "OK", 0, 2)) {
          untagged.forEach(ImapSource::closeQuietly);
          String shown = command.startsWith("LOGIN ") ? "LOGIN" : command.split(" ", 2)[0];
          throw new IOException("the server refused " + shown + ": " + status);
        }
        return untagged;
      }
      if (r.text().startsWith("+")) {
        continue; // no literals are sent by this client
      }
      untagged.add(r);
    }
  }

  /** Reads one response with its literals. */
  Response read() throws IOException {
    StringBuilder text = new StringBuilder();
    List<Literal> literals = new ArrayList<>();
    try {
      while (true) {
        String line = line();
        int open = line.endsWith("}") ? line.lastIndexOf('{') : -1;
        if (open < 0) {
          text.append(line);
          return new Response(text.toString(), literals);
        }
        long n = Long.parseLong(line.substring(open + 1, line.length() - 1).replace("+", ""));
        Literal lit = new Literal();
        literals.add(lit);
        lit.read(in, n);
        text.append(line, 0, open).append('\0').append(literals.size() - 1).append('\0');
      }
    } catch (IOException | RuntimeException e) {
      for (Literal l : literals) {
        l.close();
      }
      if (e instanceof NumberFormatException) {
        throw new IOException("bad literal in a response", e);
      }
      throw e;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        byte[] x = b.toByteArray();
        int len = x.length > 0 && x[x.length - 1] == '\r' ? x.length - 1 : x.length;
        return new String(x, 0, len, StandardCharsets.UTF_8);
      }
      if (b.size() > 1 << 20) {
        throw new IOException("a response line longer than 1 MiB");
      }
      b.write(c);
    }
    throw new IOException("the server closed the connection");
  }

  @Override
  public void close() {
    try {
      out.write(("m" + (++tag) + " LOGOUT\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException ignored) {
      // closing anyway
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // closed
    }
  }
}
