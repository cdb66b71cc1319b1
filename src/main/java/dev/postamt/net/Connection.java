package dev.postamt.net;

import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * One client connection. {@link #in()} and {@link #out()} are stable buffered streams; after
 * {@link #startTls()} they carry the TLS layer and whatever plaintext the client had pipelined behind
 * its STARTTLS command is thrown away (CVE-2011-0411: injected commands must never be read as if they
 * came through TLS).
 *
 * <p>Two timers govern reading, the read time-out ({@link #setReadTimeout}) and the line deadline
 * ({@link #setLineDeadline}); they are kept by the input stream, {@link ConnectionInput}.
 */
public final class Connection implements Closeable {
  private final String service;
  private final TlsContext tls;

  /** Used until a protocol sets its own: {@code limits.command_deadline}'s default. */
  public static final Duration DEFAULT_LINE_DEADLINE = Duration.ofMinutes(5);

  private Socket socket;
  /** The accepted TCP socket, under TLS too: closing it ends a blocked TLS read at once (see {@link #abort}). */
  private final Socket plain;
  private UnsyncBufferedInputStream rawIn;
  private OutputStream rawOut;
  /** Once {@link #compress} ran: the inflating and deflating layers (else null). */
  private Deflate.Input inflating;
  private Deflate.Output deflating;
  private final ConnectionInput in = new ConnectionInput(this);
  private final OutputStream out = new DelegatingOut();

  /*
   * The goodbye (shutdown, kick). Only one thread writes to the socket at a time: the session thread,
   * except while it is blocked in a read at the start of a line (waiting), when the thread asking for
   * the goodbye writes it and closes the socket, holding the lock; the session thread takes the lock
   * when its read returns, so it continues only after that. Otherwise the session thread says the
   * goodbye itself before its next such read.
   */
  private final ReentrantLock goodbyeLock = new ReentrantLock();
  /** The line to say, once asked; guarded by goodbyeLock. */
  private String goodbye;
  /** Whether the goodbye was said (and the socket closed); guarded by goodbyeLock. */
  private boolean said;
  /** Whether the session thread is blocked in a read between lines; written under goodbyeLock. */
  private boolean waiting;
  /** While true (a message is being received), the goodbye waits for the next line after it. */
  private volatile boolean holdGoodbye;
  private volatile Login login;
  /** The client and local address a PROXY header named (see {@link #proxied}); null: the socket's. */
  private volatile ProxyHeader.Addresses proxied;
  /** While not null, the first bytes the client sends, checked for a PROXY header it may not send. */
  private byte[] guard;
  private int guardSeen;

  /** Who logged in on this connection and when; see {@link #loggedIn}. */
  public record Login(String user, java.time.Instant since) {}

  Connection(String service, Socket socket, TlsContext tls) throws IOException {
    this.service = service;
    this.tls = tls;
    this.plain = socket;
    attach(socket);
  }

  private void attach(Socket s) throws IOException {
    this.socket = s;
    in.attach(s);
    // Small while the conversation is a few lines, up to 16 KiB while bulk data flows (see there).
    this.rawIn = new UnsyncBufferedInputStream(s.getInputStream(), 1024, 16 * 1024);
    this.rawOut = new UnsyncBufferedOutputStream(s.getOutputStream(), 1024, 16 * 1024);
  }

  /**
   * From now on both directions are raw DEFLATE (IMAP COMPRESS=DEFLATE, RFC 4978): bytes the client
   * already sent behind its command are inflated too, {@link #out()} deflates and flushes with
   * SYNC_FLUSH, and {@link #in()} inflates. The compression sits below the line accounting, so the
   * line deadline and the protocol's limits see the uncompressed bytes. The caller flushes its answer
   * to the command before calling this. Not undone; a second call does nothing.
   */
  public void compress() throws IOException {
    if (inflating != null) {
      return;
    }
    rawOut.flush();
    inflating = new Deflate.Input(rawIn, in::arm);
    deflating = new Deflate.Output(rawOut);
    rawOut = deflating;
  }

  /**
   * The session is about to wait long for a few bytes (IMAP IDLE until {@code DONE}): with nothing
   * buffered, the read waits with a 64-byte buffer and the output buffer goes until something is written
   * (the notifier's {@link #writeAside} makes it again). Some 2 KB less per waiting connection. Not for a
   * compressed connection (its streams keep their own buffers).
   */
  public void park() {
    if (inflating != null) {
      return;
    }
    rawIn.park(64);
    goodbyeLock.lock(); // a notifier may be writing (writeAside)
    try {
      if (rawOut instanceof UnsyncBufferedOutputStream o) {
        o.park();
      }
    } finally {
      goodbyeLock.unlock();
    }
  }

  /** Whether {@link #compress} ran. */
  public boolean isCompressed() {
    return inflating != null;
  }

  /**
   * Bytes the next read returns without blocking: read ahead, and inflated when compressed. Unlike {@code
   * in().available()} it does not ask the socket (an {@code ioctl} each time) for what has arrived but not
   * been read yet: a protocol that answers a pipelined group when nothing more is buffered (as Postfix's
   * smtpd does) needs no more.
   */
  public int buffered() throws IOException {
    return inflating != null ? inflating.buffered() : rawIn.buffered();
  }

  /** What {@link #in()} reads from: the buffered socket stream, or the inflating one above it. */
  InputStream source() {
    return inflating != null ? inflating : rawIn;
  }

  /** The listener's service name, e.g. {@code smtp}, {@code submission}, {@code imaps}. */
  public String service() {
    return service;
  }

  public InputStream in() {
    return in;
  }

  public OutputStream out() {
    return out;
  }

  /** The client: the one a PROXY header named, else the socket's peer. */
  public InetSocketAddress remote() {
    ProxyHeader.Addresses p = proxied;
    return p != null ? p.source() : (InetSocketAddress) socket.getRemoteSocketAddress();
  }

  /** The address the client connected to: the one a PROXY header named, else the socket's. */
  public InetSocketAddress local() {
    ProxyHeader.Addresses p = proxied;
    return p != null ? p.destination() : (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /** The peer the TCP connection came from (the proxy, when {@link #remote} is the client behind it). */
  public InetSocketAddress peer() {
    return (InetSocketAddress) plain.getRemoteSocketAddress();
  }

  /** The addresses a PROXY header named: from now on {@link #remote} and {@link #local} are these. */
  void proxied(ProxyHeader.Addresses a) {
    this.proxied = a;
  }

  /**
   * Refuses a PROXY header among the first bytes the client sends (a client that is not one of the
   * trusted proxies): the read that completes it fails with a {@link ProxyHeaderRefused}.
   */
  void refuseProxyHeader() {
    guard = new byte[6];
    guardSeen = 0;
  }

  /** A client that is not a trusted proxy sent a PROXY header; the session ends. */
  public static final class ProxyHeaderRefused extends SocketException {
    ProxyHeaderRefused(String message) {
      super(message);
    }
  }

  /** Whether the first bytes are still being checked for a PROXY header ({@link #checkGuard}). */
  boolean guarding() {
    return guard != null;
  }

  /** Looks at {@code n} bytes just read, while {@link #guarding}. */
  void checkGuard(byte[] b, int off, int n) throws ProxyHeaderRefused {
    int take = Math.min(n, guard.length - guardSeen);
    System.arraycopy(b, off, guard, guardSeen, take);
    guardSeen += take;
    if (guardSeen < guard.length) {
      return;
    }
    boolean header = ProxyHeader.looksLikeHeader(guard, guardSeen);
    guard = null;
    if (header) {
      String msg = "proxy_protocol: refused " + service + " connection from " + peer().getAddress().getHostAddress()
          + ": it sent a PROXY header but is not in proxy_protocol.from";
      org.slf4j.LoggerFactory.getLogger(Connection.class).info("{}", msg);
      abort();
      throw new ProxyHeaderRefused(msg);
    }
  }

  public boolean isTls() {
    return socket instanceof SSLSocket;
  }

  /** Whether STARTTLS can be offered (a TLS context exists and the connection is not yet TLS). */
  public boolean canStartTls() {
    return tls != null && !isTls();
  }

  /** Upgrades to TLS as the server side. Call after the "go ahead" reply has been flushed. */
  public void startTls() throws IOException {
    if (!canStartTls()) {
      throw new IOException("TLS not available");
    }
    SSLSocket ssl = tls.wrapServer(socket);
    ssl.startHandshake();
    attach(ssl); // the old buffered plaintext is dropped here
  }

  void handshakeImplicit() throws IOException {
    SSLSocket ssl = tls.wrapServer(socket);
    ssl.startHandshake();
    attach(ssl);
  }

  public Optional<String> tlsProtocol() {
    return session().map(SSLSession::getProtocol);
  }

  public Optional<String> tlsCipher() {
    return session().map(SSLSession::getCipherSuite);
  }

  private Optional<SSLSession> session() {
    return socket instanceof SSLSocket s ? Optional.of(s.getSession()) : Optional.empty();
  }

  /** Read time-out for the next reads; a read that waits longer throws SocketTimeoutException. */
  public void setReadTimeout(Duration d) {
    in.readTimeout(d);
  }

  /**
   * Each line must arrive whole within {@code d} of its first byte; a read past it throws {@link
   * LineDeadlineException}.
   */
  public void setLineDeadline(Duration d) {
    in.lineDeadline(d);
  }

  /**
   * Records that {@code user} logged in on this connection, for {@code postamt who} and {@code kick}
   * (the protocols call it once authenticated; the record goes with the connection).
   */
  public void loggedIn(String user) {
    login = new Login(user, java.time.Instant.now());
  }

  public Optional<Login> login() {
    return Optional.ofNullable(login);
  }

  /**
   * While {@code on}, a goodbye waits: the session is receiving a message (DATA, BDAT, an APPEND
   * literal) that it should be allowed to finish within the shutdown grace time.
   */
  public void holdGoodbye(boolean on) {
    holdGoodbye = on;
  }

  /**
   * Asks the session to end with {@code line} (e.g. {@code 421 4.3.2 … Service shutting down}): said at
   * once when the session waits for its next command, else before the next one is read. Any thread may
   * call it; only the first request counts.
   */
  public void goodbye(String line) {
    goodbyeLock.lock();
    try {
      if (goodbye != null) {
        return;
      }
      goodbye = line;
      if (waiting) {
        sayGoodbye(false);
      }
    } finally {
      goodbyeLock.unlock();
    }
  }

  /** Output written from a thread other than the session's; see {@link #writeAside}. */
  @FunctionalInterface
  public interface Write {
    void run() throws IOException;
  }

  /**
   * Runs {@code write}, output from another thread while the session thread waits in a read (IMAP
   * IDLE's notifier), so that it never overlaps a goodbye; once the goodbye was said it is not run.
   */
  public void writeAside(Write write) throws IOException {
    goodbyeLock.lock();
    try {
      if (said) {
        throw new SocketException("connection closed: " + goodbye);
      }
      write.run();
    } finally {
      goodbyeLock.unlock();
    }
  }

  /**
   * Writes the goodbye and closes the socket; the caller holds goodbyeLock and no other thread writes.
   * Only the TCP socket is closed: closing the TLS layer waits to read the client's close_notify
   * (SSLSocketImpl.bruteForceCloseInput), which a client that has not noticed yet does not send.
   */
  private void sayGoodbye(boolean sessionThread) {
    said = true;
    try {
      rawOut.write((goodbye + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      rawOut.flush();
    } catch (IOException ignored) {
      // peer gone
    }
    abort();
  }

  /**
   * Before a read that will block: at a line start ({@code midLine} false) and not holding, says a
   * pending goodbye (and ends the session) or marks the session as waiting. Returns whether it marked it.
   */
  boolean enterRead(boolean midLine) throws IOException {
    if (midLine || holdGoodbye) {
      return false;
    }
    goodbyeLock.lock();
    try {
      if (goodbye != null) {
        if (!said) {
          sayGoodbye(true);
        }
        throw new SocketException("connection closed: " + goodbye);
      }
      waiting = true;
      return true;
    } finally {
      goodbyeLock.unlock();
    }
  }

  /** After the read: waits for a goodbye being written by another thread, and ends the session if one was. */
  void leaveRead() throws IOException {
    goodbyeLock.lock();
    try {
      waiting = false;
      if (said) {
        throw new SocketException("connection closed: " + goodbye);
      }
    } finally {
      goodbyeLock.unlock();
    }
  }

  public boolean isClosed() {
    return socket.isClosed();
  }

  @Override
  public void close() {
    try {
      rawOut.flush();
    } catch (IOException ignored) {
      // peer gone
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing more to do
    }
    if (inflating != null) { // the zlib memory outside the heap, at once rather than at the next GC
      inflating.end();
      deflating.end();
    }
  }

  /**
   * Closes the socket from another thread without touching the output buffer (which belongs to the
   * session thread): the session's blocked read or write then fails and it ends.
   */
  void abort() {
    try {
      plain.close();
    } catch (IOException ignored) {
      // nothing more to do
    }
  }

  /** See {@link ConnectionInput#unread}: only the plain (not inflated) stream can take bytes back. */
  void unreadPlain(byte[] b, int off, int len) {
    if (inflating != null) {
      throw new IllegalStateException("unread on a compressed connection");
    }
    rawIn.unread(b, off, len);
  }

  private final class DelegatingOut extends FilterOutputStream {
    DelegatingOut() {
      super(null);
    }

    @Override
    public void write(int b) throws IOException {
      rawOut.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      rawOut.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      rawOut.flush();
    }

    @Override
    public void close() {
      Connection.this.close();
    }
  }
}
