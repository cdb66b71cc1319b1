package dev.postamt.net;

import java.io.FilterInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * The input stream of a {@link Connection} ({@link Connection#in()}), stable across STARTTLS and
 * COMPRESS, and the two timers that govern reading from it. Apart from the connection because the timers
 * are a matter of the reads alone: they follow each byte read, and nothing else touches them.
 *
 * <p>The read time-out ({@link #readTimeout}) bounds the wait for the next line; the line deadline
 * ({@link #lineDeadline}, {@code limits.command_deadline}) bounds the time from a line's first byte to
 * its LF, so a client that trickles bytes slower than the deadline but faster than the read time-out is
 * cut off (Postfix's {@code smtpd_per_record_deadline}). Before each read that would block, the socket
 * time-out is set to whichever ends first; a line longer than {@value #RECORD} bytes gets a fresh
 * deadline every {@value #RECORD} bytes, so binary data without line ends (BDAT, literal8) is not held to
 * one deadline for its whole length.
 *
 * <p>A read that would block is the connection's chance to say a pending goodbye ({@link
 * Connection#goodbye}); it calls the stream beneath directly, so that a session waiting for its client
 * keeps no more frames than that.
 */
final class ConnectionInput extends FilterInputStream implements Unread {
  /** Bytes after which a long line counts as a new record for the deadline. */
  static final int RECORD = 64 * 1024;

  private final Connection conn;
  /** The socket whose time-out the timers set: the accepted one, then the TLS one. */
  private Socket socket;
  /** Socket time-out while waiting for a line to begin, ms; 0 waits forever. */
  private int idleMillis = -1;
  private long deadlineNanos = Connection.DEFAULT_LINE_DEADLINE.toNanos();
  /** System.nanoTime() when the current line (record) began, or -1 between lines. */
  private long lineStart = -1;
  private int lineBytes;
  private int appliedTimeout = -1;

  ConnectionInput(Connection conn) {
    super(null);
    this.conn = conn;
  }

  /** The connection reads from {@code s} from now on (accepted, or after a TLS handshake). */
  void attach(Socket s) throws IOException {
    this.socket = s;
    if (idleMillis < 0) {
      idleMillis = s.getSoTimeout(); // what the listener set
    }
    appliedTimeout = -1;
  }

  /** See {@link Connection#setReadTimeout}. */
  void readTimeout(Duration d) {
    idleMillis = (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }

  /** See {@link Connection#setLineDeadline}. */
  void lineDeadline(Duration d) {
    deadlineNanos = d.toNanos();
  }

  /** Sets the socket time-out for a read that will block: the idle time or what is left of the deadline. */
  void arm() throws IOException {
    int t = idleMillis;
    if (lineStart >= 0) {
      long left = deadlineNanos - (System.nanoTime() - lineStart);
      if (left <= 0) {
        throw new LineDeadlineException(deadlineNanos / 1_000_000);
      }
      int leftMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, (left + 999_999) / 1_000_000));
      t = t == 0 ? leftMillis : Math.min(t, leftMillis);
    }
    if (t != appliedTimeout) {
      try {
        socket.setSoTimeout(t);
        appliedTimeout = t;
      } catch (SocketException ignored) {
        // socket already closed: the read reports it
      }
    }
  }

  /** A time-out during a read: the deadline's when the line has run out of time, else the idle timer's. */
  private SocketTimeoutException timedOut(SocketTimeoutException e) {
    if (lineStart >= 0 && System.nanoTime() - lineStart >= deadlineNanos) {
      return new LineDeadlineException(deadlineNanos / 1_000_000);
    }
    return e;
  }

  /** Accounts for {@code n} bytes consumed; with {@code sawLf}, {@code afterLastLf} of them follow the last LF. */
  private void consumed(int n, int afterLastLf, boolean sawLf) {
    if (sawLf) {
      lineStart = -1;
      n = afterLastLf;
      if (n == 0) {
        return;
      }
    }
    if (lineStart < 0) {
      lineStart = System.nanoTime();
      lineBytes = 0;
    }
    lineBytes += n;
    if (lineBytes >= RECORD) {
      lineStart = System.nanoTime();
      lineBytes = 0;
    }
  }

  @Override
  public int read() throws IOException {
    int c;
    if (conn.buffered() > 0) {
      c = conn.source().read();
    } else {
      arm();
      boolean w = conn.enterRead(lineStart >= 0);
      try {
        c = conn.source().read();
      } catch (SocketTimeoutException e) {
        throw timedOut(e);
      } finally {
        if (w) {
          conn.leaveRead();
        }
      }
    }
    if (c >= 0 && conn.guarding()) {
      conn.checkGuard(new byte[] {(byte) c}, 0, 1);
    }
    if (c == '\n') {
      lineStart = -1;
    } else if (c >= 0) {
      consumed(1, 0, false);
    }
    return c;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n;
    if (conn.buffered() > 0) {
      n = conn.source().read(b, off, len);
    } else {
      arm();
      boolean w = conn.enterRead(lineStart >= 0);
      try {
        n = conn.source().read(b, off, len);
      } catch (SocketTimeoutException e) {
        throw timedOut(e);
      } finally {
        if (w) {
          conn.leaveRead();
        }
      }
    }
    if (n > 0 && conn.guarding()) {
      conn.checkGuard(b, off, n);
    }
    if (n > 0) {
      int last = off + n - 1;
      while (last >= off && b[last] != '\n') {
        last--;
      }
      consumed(n, off + n - 1 - last, last >= off);
    }
    return n;
  }

  @Override
  public int available() throws IOException {
    return conn.source().available();
  }

  /** Given back after a LF: the next line's deadline starts with its first byte, as for any line. */
  @Override
  public void unread(byte[] b, int off, int len) {
    if (len == 0) {
      return;
    }
    conn.unreadPlain(b, off, len);
    lineStart = -1;
    lineBytes = 0;
  }

  /** Skipped bytes are read like any others (FilterInputStream's own skip would need {@code in}). */
  @Override
  public long skip(long n) throws IOException {
    byte[] scratch = new byte[(int) Math.min(8192, Math.max(0, n))];
    long done = 0;
    while (done < n) {
      int k = read(scratch, 0, (int) Math.min(scratch.length, n - done));
      if (k < 0) {
        break;
      }
      done += k;
    }
    return done;
  }

  @Override
  public void close() {
    conn.close();
  }
}
