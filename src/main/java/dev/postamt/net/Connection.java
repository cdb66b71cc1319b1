package dev.postamt.net;

import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * One client connection. {@link #in()} and {@link #out()} are stable buffered streams; after
 * {@link #startTls()} they carry the TLS layer and whatever plaintext the client had pipelined behind
 * its STARTTLS command is thrown away (CVE-2011-0411: injected commands must never be read as if they
 * came through TLS).
 */
public final class Connection implements Closeable {
  private final String service;
  private final TlsContext tls;
  private Socket socket;
  private InputStream rawIn;
  private OutputStream rawOut;
  private final InputStream in = new Delegating();
  private final OutputStream out = new DelegatingOut();

  Connection(String service, Socket socket, TlsContext tls) throws IOException {
    this.service = service;
    this.tls = tls;
    attach(socket);
  }

  private void attach(Socket s) throws IOException {
    this.socket = s;
    // Small while the conversation is a few lines, up to 16 KiB while bulk data flows (see there).
    this.rawIn = new UnsyncBufferedInputStream(s.getInputStream(), 1024, 16 * 1024);
    this.rawOut = new UnsyncBufferedOutputStream(s.getOutputStream(), 1024, 16 * 1024);
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

  public InetSocketAddress remote() {
    return (InetSocketAddress) socket.getRemoteSocketAddress();
  }

  public InetSocketAddress local() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
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
    try {
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, d.toMillis()));
    } catch (SocketException ignored) {
      // socket already closed: the next read reports it
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
  }

  private final class Delegating extends FilterInputStream {
    Delegating() {
      super(null);
    }

    @Override
    public int read() throws IOException {
      return rawIn.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return rawIn.read(b, off, len);
    }

    @Override
    public int available() throws IOException {
      return rawIn.available();
    }

    @Override
    public void close() {
      Connection.this.close();
    }
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
