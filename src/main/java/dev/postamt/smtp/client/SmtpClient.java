package dev.postamt.smtp.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One outbound SMTP or LMTP connection. Blocking and single-threaded: the queue runs each delivery on
 * its own virtual thread. Typical use: {@link #connect}, {@link #hello}, {@link #startTls} when
 * offered, {@link #send} once or more (with {@link #reset} in between when the connection is reused),
 * {@link #quit}.
 */
public final class SmtpClient implements Closeable {
  /** RFC 5321 §4.5.3.1.5: a reply line may be 512 octets; peers send longer text, so allow more. */
  private static final int MAX_LINE = 8192;
  private static final int MAX_LINES = 200;

  /** The time-outs of RFC 5321 §4.5.3.2 (configurable, short in tests). */
  public record Timeouts(
      Duration connect, Duration command, Duration dataInit, Duration dataBlock, Duration dataEnd) {}

  /** One recipient with its RCPT parameters (NOTIFY, ORCPT) already formatted. */
  public record Rcpt(String address, List<String> params) {}

  /** What to send: {@code sender} "" is the null reverse-path. */
  public record Transaction(String sender, List<String> mailParams, List<Rcpt> recipients) {}

  /**
   * The replies of one transaction. {@code rcpt} has one reply per recipient (the MAIL reply when MAIL
   * failed). {@code dataFailure} is the reply to DATA when it was not 354 (null otherwise, and null
   * when no recipient was accepted). {@code end} holds the replies to the final dot: one for SMTP, one
   * per accepted recipient (in order) for LMTP; empty when the content was not sent.
   */
  public record Result(ClientReply mail, List<ClientReply> rcpt, ClientReply dataFailure, List<ClientReply> end) {}

  /** Writes the message content (without dot-stuffing; the client does that). */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private final InetSocketAddress address;
  private final String serverName;
  private final boolean lmtp;
  private final Timeouts timeouts;
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private ClientReply greeting;
  private boolean esmtp;
  private final Map<String, String> extensions = new LinkedHashMap<>();
  private boolean tls;
  private int transactions;
  private java.net.InetAddress local;

  private SmtpClient(InetSocketAddress address, String serverName, boolean lmtp, Timeouts timeouts) {
    this.address = address;
    this.serverName = serverName;
    this.lmtp = lmtp;
    this.timeouts = timeouts;
  }

  /**
   * Connects and reads the greeting.
   *
   * @param serverName the peer's host name (for TLS SNI and messages)
   * @throws IOException when no connection could be made or the greeting did not arrive in time
   */
  public static SmtpClient connect(InetSocketAddress address, String serverName, boolean lmtp, Timeouts timeouts)
      throws IOException {
    return connect(address, serverName, lmtp, timeouts, null);
  }

  /** @param source the local address to send from (null: the system's choice) */
  public static SmtpClient connect(
      InetSocketAddress address, String serverName, boolean lmtp, Timeouts timeouts, java.net.InetAddress source)
      throws IOException {
    SmtpClient c = new SmtpClient(address, serverName, lmtp, timeouts);
    Socket s = new Socket();
    try {
      if (source != null) {
        s.bind(new InetSocketAddress(source, 0));
      }
      s.connect(address, (int) timeouts.connect().toMillis());
      c.local = s.getLocalAddress();
      c.attach(s);
      c.greeting = c.read(timeouts.command());
    } catch (IOException e) {
      s.close();
      throw e;
    }
    return c;
  }

  private void attach(Socket s) throws IOException {
    socket = s;
    in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
    out = new BufferedOutputStream(new WatchedOutputStream(s, s.getOutputStream(), timeouts.dataBlock()), 16 * 1024);
  }

  public ClientReply greeting() {
    return greeting;
  }

  public InetSocketAddress address() {
    return address;
  }

  public String serverName() {
    return serverName;
  }

  public boolean isTls() {
    return tls;
  }

  /** The address this connection is sent from (TLS-RPT's {@code sending-mta-ip}), kept after close. */
  public java.net.InetAddress localAddress() {
    return local;
  }

  /** "mx.example.org[192.0.2.1]" as Postfix names peers in logs and bounces. */
  public String peer() {
    return serverName + "[" + address.getAddress().getHostAddress() + "]";
  }

  /** How many transactions this connection has carried (for connection reuse). */
  public int transactions() {
    return transactions;
  }

  /**
   * EHLO (LHLO for LMTP); falls back to HELO when the peer does not know EHLO (RFC 5321 §3.2).
   * Returns the final reply; the extensions are known afterwards.
   */
  public ClientReply hello(String ourName) throws IOException {
    extensions.clear();
    command((lmtp ? "LHLO " : "EHLO ") + ourName);
    ClientReply r = read(timeouts.command());
    if (r.positive()) {
      esmtp = true;
      for (int i = 1; i < r.lines().size(); i++) {
        String l = r.lines().get(i).trim();
        int sp = l.indexOf(' ');
        String key = (sp < 0 ? l : l.substring(0, sp)).toUpperCase(Locale.ROOT);
        extensions.put(key, sp < 0 ? "" : l.substring(sp + 1).trim());
      }
      return r;
    }
    if (lmtp || r.code() == 421) {
      return r;
    }
    esmtp = false;
    command("HELO " + ourName);
    return read(timeouts.command());
  }

  public boolean has(String extension) {
    return extensions.containsKey(extension.toUpperCase(Locale.ROOT));
  }

  public Optional<String> extension(String name) {
    return Optional.ofNullable(extensions.get(name.toUpperCase(Locale.ROOT)));
  }

  /** The peer's SIZE limit (RFC 1870); 0 when it gave none. */
  public long sizeLimit() {
    try {
      return Long.parseLong(extensions.getOrDefault("SIZE", "0").trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * STARTTLS (RFC 3207) with any certificate accepted, then EHLO again (the peer forgets what it told
   * us). Returns the STARTTLS reply when the peer refused, else the new EHLO reply.
   *
   * @throws IOException when the handshake fails; the connection is unusable then
   */
  public ClientReply startTls(String ourName) throws IOException {
    return startTls(ourName, null);
  }

  /**
   * STARTTLS with {@code context} deciding which certificates are trusted (null: any, for
   * opportunistic TLS). The handshake fails with an {@code SSLException} when the context refuses
   * the peer's chain; whether the certificate names the right host is the caller's check ({@link
   * #peerCertificates}).
   */
  public ClientReply startTls(String ourName, SSLContext context) throws IOException {
    command("STARTTLS");
    ClientReply r = read(timeouts.command());
    if (r.code() != 220) {
      return r;
    }
    SSLSocket ssl =
        (SSLSocket)
            (context != null ? context : opportunisticTls())
                .getSocketFactory()
                .createSocket(socket, address.getAddress().getHostAddress(), address.getPort(), true);
    ssl.setUseClientMode(true);
    if (!serverName.matches("[0-9.:]+")) {
      var params = ssl.getSSLParameters();
      params.setServerNames(List.of(new javax.net.ssl.SNIHostName(serverName)));
      ssl.setSSLParameters(params);
    }
    ssl.setSoTimeout((int) timeouts.command().toMillis());
    ssl.startHandshake();
    peerCertificates = ssl.getSession().getPeerCertificates();
    tlsProtocol = ssl.getSession().getProtocol();
    attach(ssl);
    tls = true;
    return hello(ourName);
  }

  private java.security.cert.Certificate[] peerCertificates = new java.security.cert.Certificate[0];
  private String tlsProtocol = "";

  /** The peer's certificate chain after STARTTLS (leaf first); empty before. */
  public java.security.cert.Certificate[] peerCertificates() {
    return peerCertificates.clone();
  }

  /** The negotiated TLS version ({@code TLSv1.3}), empty before STARTTLS. */
  public String tlsProtocol() {
    return tlsProtocol;
  }

  /**
   * AUTH PLAIN, else LOGIN (RFC 4954), whichever the peer offers. Refuses to send credentials
   * without TLS.
   */
  public ClientReply auth(String user, String password) throws IOException {
    if (!tls) {
      throw new IllegalStateException("credentials are only sent over TLS");
    }
    List<String> mechs = List.of(extension("AUTH").orElse("").toUpperCase(Locale.ROOT).split("\\s+"));
    Base64.Encoder b64 = Base64.getEncoder();
    if (mechs.contains("PLAIN") || !mechs.contains("LOGIN")) {
      byte[] plain = ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
      command("AUTH PLAIN " + b64.encodeToString(plain));
      return read(timeouts.command());
    }
    command("AUTH LOGIN");
    ClientReply r = read(timeouts.command());
    if (r.code() != 334) {
      return r;
    }
    command(b64.encodeToString(user.getBytes(StandardCharsets.UTF_8)));
    r = read(timeouts.command());
    if (r.code() != 334) {
      return r;
    }
    command(b64.encodeToString(password.getBytes(StandardCharsets.UTF_8)));
    return read(timeouts.command());
  }

  /**
   * One mail transaction. With PIPELINING (RFC 2920) MAIL, every RCPT and DATA go out in one write;
   * otherwise each waits for its reply. The content is sent only after a 354 and only when at least
   * one recipient was accepted.
   */
  public Result send(Transaction t, Content content) throws IOException {
    transactions++;
    boolean pipelining = esmtp && has("PIPELINING");
    StringBuilder mail = new StringBuilder("MAIL FROM:<").append(t.sender()).append('>');
    t.mailParams().forEach(p -> mail.append(' ').append(p));
    List<String> rcptLines = new ArrayList<>();
    for (Rcpt r : t.recipients()) {
      StringBuilder b = new StringBuilder("RCPT TO:<").append(r.address()).append('>');
      r.params().forEach(p -> b.append(' ').append(p));
      rcptLines.add(b.toString());
    }
    ClientReply mailReply;
    List<ClientReply> rcptReplies = new ArrayList<>();
    ClientReply dataReply;
    if (pipelining) {
      write(mail.toString());
      for (String l : rcptLines) {
        write(l);
      }
      write("DATA");
      out.flush();
      mailReply = read(timeouts.command());
      for (int i = 0; i < rcptLines.size(); i++) {
        rcptReplies.add(read(timeouts.command()));
      }
      dataReply = read(timeouts.dataInit());
    } else {
      command(mail.toString());
      mailReply = read(timeouts.command());
      if (!mailReply.positive()) {
        return new Result(mailReply, rcptLines.stream().map(x -> mailReply).toList(), null, List.of());
      }
      for (String l : rcptLines) {
        command(l);
        rcptReplies.add(read(timeouts.command()));
      }
      if (rcptReplies.stream().noneMatch(ClientReply::positive)) {
        return new Result(mailReply, rcptReplies, null, List.of());
      }
      command("DATA");
      dataReply = read(timeouts.dataInit());
    }
    long accepted = mailReply.positive() ? rcptReplies.stream().filter(ClientReply::positive).count() : 0;
    if (!mailReply.positive()) {
      rcptReplies.replaceAll(r -> mailReply); // the recipients failed because MAIL did
    }
    if (dataReply.code() != 354) {
      return new Result(mailReply, rcptReplies, accepted == 0 ? null : dataReply, List.of());
    }
    if (accepted == 0) {
      // RFC 2920 §3.1: a server must not answer 354 without a valid recipient; if it does, send an
      // empty message so the session stays in step, and treat nothing as delivered.
      write(".");
      out.flush();
      read(timeouts.dataEnd());
      return new Result(mailReply, rcptReplies, null, List.of());
    }
    DotStuffingOutputStream body = new DotStuffingOutputStream(out);
    content.writeTo(body);
    body.finish();
    out.flush();
    List<ClientReply> end = new ArrayList<>();
    for (int i = 0; i < (lmtp ? accepted : 1); i++) {
      end.add(read(timeouts.dataEnd()));
    }
    return new Result(mailReply, rcptReplies, null, end);
  }

  /** RSET before reusing the connection; false when the peer is no longer usable. */
  public boolean reset() {
    try {
      command("RSET");
      return read(timeouts.command()).code() == 250;
    } catch (IOException e) {
      return false;
    }
  }

  /** QUIT politely, then close; never throws. */
  public void quit() {
    try {
      socket.setSoTimeout(2000);
      command("QUIT");
      read(Duration.ofSeconds(2));
    } catch (IOException ignored) {
      // closing anyway
    }
    close();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing left to do
    }
  }

  private void command(String line) throws IOException {
    write(line);
    out.flush();
  }

  private void write(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Reads one (possibly multi-line) reply within {@code timeout}. */
  private ClientReply read(Duration timeout) throws IOException {
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    List<String> texts = new ArrayList<>();
    int code = -1;
    try {
      while (true) {
        String line = readLine();
        if (line.length() < 3 || !line.substring(0, 3).matches("[2-5]\\d\\d")
            || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
          throw new IOException("malformed reply from " + peer() + ": " + printable(line));
        }
        int c = Integer.parseInt(line.substring(0, 3));
        if (code >= 0 && c != code) {
          throw new IOException("inconsistent multi-line reply from " + peer());
        }
        code = c;
        texts.add(line.length() > 4 ? line.substring(4) : "");
        if (line.length() == 3 || line.charAt(3) == ' ') {
          return ClientReply.of(code, texts);
        }
        if (texts.size() > MAX_LINES) {
          throw new IOException("reply from " + peer() + " has too many lines");
        }
      }
    } catch (SocketTimeoutException e) {
      throw new SocketTimeoutException("timeout after " + timeout.toSeconds() + "s waiting for " + peer());
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed by " + peer());
      }
      if (c == '\n') {
        byte[] a = b.toByteArray();
        int len = a.length > 0 && a[a.length - 1] == '\r' ? a.length - 1 : a.length;
        return new String(a, 0, len, StandardCharsets.UTF_8);
      }
      if (b.size() >= MAX_LINE) {
        throw new IOException("reply line from " + peer() + " too long");
      }
      b.write(c);
    }
  }

  private static String printable(String s) {
    String t = s.length() > 100 ? s.substring(0, 100) : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /**
   * Opportunistic TLS authenticates nothing (RFC 7435): any certificate is accepted, as Postfix does
   * at security level "may". It still protects against passive eavesdropping.
   */
  private static SSLContext opportunisticTls() throws IOException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new AcceptAny()}, new SecureRandom());
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("TLS not available: " + e.getMessage(), e);
    }
  }

  private static final class AcceptAny implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
