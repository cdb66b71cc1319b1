package dev.postamt.net;

import java.io.IOException;
import java.io.InputStream;

/**
 * A buffered input stream without locking. Each connection's input is read by exactly one thread,
 * and protocol parsers read it a byte at a time, where {@link java.io.BufferedInputStream}'s per-call
 * lock showed up as a hot spot in the SMTP benchmark.
 *
 * <p>The buffer follows the traffic: it starts at {@code minSize}, grows (up to {@code maxSize}) while
 * reads fill it, and goes back to {@code minSize} once a read brings only a command line or so. A
 * connection that sits idle (IMAP IDLE) so holds a small buffer, not the largest it ever needed.
 */
final class UnsyncBufferedInputStream extends InputStream {
  private final InputStream in;
  private final int minSize;
  private final int maxSize;
  private byte[] buf;
  private boolean grow;
  /** The buffer was made small for a wait ({@link #park}); the fill after the next goes back to minSize. */
  private boolean parked;
  private int pos;
  private int limit;

  UnsyncBufferedInputStream(InputStream in, int minSize, int maxSize) {
    this.in = in;
    this.minSize = minSize;
    this.maxSize = maxSize;
    this.buf = new byte[minSize];
  }

  /** Called with the buffer empty (everything in it consumed). */
  private boolean fill() throws IOException {
    if (grow) {
      buf = new byte[Math.max(minSize, Math.min(maxSize, buf.length * 4))];
      grow = false;
      parked = false;
    } else if (parked) {
      parked = false; // this fill reads what ends the wait into the small buffer
    } else if (buf.length < minSize) {
      buf = new byte[minSize];
    }
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      return false;
    }
    if (n == buf.length && buf.length < maxSize) {
      grow = true; // takes effect at the next fill, when nothing buffered has to be copied
    } else if (buf.length > minSize && n <= minSize / 2) {
      buf = java.util.Arrays.copyOf(buf, minSize);
    }
    pos = 0;
    limit = n;
    return true;
  }

  /**
   * A long wait for a few bytes is ahead (IMAP IDLE until {@code DONE}): when nothing is buffered, the next
   * fill reads into a buffer of {@code size} bytes instead of one of minSize or more, and the fill after
   * it goes back to minSize.
   */
  void park(int size) {
    if (pos >= limit && buf.length > size) {
      buf = new byte[size];
      grow = false;
      parked = true;
    }
  }

  @Override
  public int read() throws IOException {
    if (pos >= limit && !fill()) {
      return -1;
    }
    return buf[pos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (pos >= limit) {
      if (len >= buf.length) {
        return in.read(b, off, len); // large reads bypass the buffer
      }
      if (!fill()) {
        return -1;
      }
    }
    int n = Math.min(len, limit - pos);
    System.arraycopy(buf, pos, b, off, n);
    pos += n;
    return n;
  }

  /**
   * Puts {@code len} bytes back in front of what is buffered: where they were just read from the
   * buffer they are still there in front of its position; otherwise (a large read that bypassed it)
   * the buffer takes them.
   */
  void unread(byte[] b, int off, int len) {
    if (len <= pos) {
      pos -= len;
      System.arraycopy(b, off, buf, pos, len);
      return;
    }
    int rest = limit - pos;
    byte[] next = new byte[Math.max(buf.length, len + rest)];
    System.arraycopy(b, off, next, 0, len);
    System.arraycopy(buf, pos, next, len, rest);
    buf = next;
    pos = 0;
    limit = len + rest;
  }

  /** Bytes in the buffer: a read of at most this many will not block. */
  int buffered() {
    return limit - pos;
  }

  @Override
  public int available() throws IOException {
    int buffered = limit - pos;
    return buffered > 0 ? buffered : in.available();
  }

  @Override
  public long skip(long n) throws IOException {
    long buffered = limit - pos;
    if (buffered > 0) {
      long k = Math.min(buffered, n);
      pos += (int) k;
      return k;
    }
    return in.skip(n);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
