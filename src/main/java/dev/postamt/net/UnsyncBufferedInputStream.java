package dev.postamt.net;

import java.io.IOException;
import java.io.InputStream;

/**
 * A buffered input stream without locking. Each connection's input is read by exactly one thread,
 * and protocol parsers read it a byte at a time, where {@link java.io.BufferedInputStream}'s per-call
 * lock showed up as a hot spot in the SMTP benchmark.
 */
final class UnsyncBufferedInputStream extends InputStream {
  private final InputStream in;
  private final byte[] buf;
  private int pos;
  private int limit;

  UnsyncBufferedInputStream(InputStream in, int size) {
    this.in = in;
    this.buf = new byte[size];
  }

  private boolean fill() throws IOException {
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      return false;
    }
    pos = 0;
    limit = n;
    return true;
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
