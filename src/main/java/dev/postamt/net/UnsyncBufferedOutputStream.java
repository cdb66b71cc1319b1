package dev.postamt.net;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A buffered output stream without locking (each connection's protocol code serialises its own
 * writes) whose buffer follows the traffic like {@link UnsyncBufferedInputStream}'s: it starts at
 * {@code minSize}, doubles up to {@code maxSize} while many small writes pile up (a long FETCH
 * response), and drops back to {@code minSize} when a flush sends only a short reply. An idle
 * connection so keeps a small buffer. Writes at least as large as the buffer go straight through.
 */
final class UnsyncBufferedOutputStream extends OutputStream {
  private final OutputStream out;
  private final int minSize;
  private static final byte[] EMPTY = new byte[0];
  private final int maxSize;
  private byte[] buf;
  private int count;

  UnsyncBufferedOutputStream(OutputStream out, int minSize, int maxSize) {
    this.out = out;
    this.minSize = minSize;
    this.maxSize = maxSize;
    this.buf = new byte[minSize];
  }

  @Override
  public void write(int b) throws IOException {
    if (count == buf.length) {
      makeRoom(1);
    }
    buf[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (len > buf.length - count) {
      makeRoom(len);
      if (len >= buf.length) {
        out.write(b, off, len);
        return;
      }
    }
    System.arraycopy(b, off, buf, count, len);
    count += len;
  }

  /** Grows the buffer while it is below its maximum, else writes out what it holds. */
  private void makeRoom(int len) throws IOException {
    if (buf.length < maxSize) {
      int size = Math.max(minSize, buf.length);
      while (size - count < len && size < maxSize) {
        size = Math.min(maxSize, size * 2);
      }
      buf = Arrays.copyOf(buf, size);
      if (size - count >= len) {
        return;
      }
    }
    drain();
  }

  private void drain() throws IOException {
    if (count > 0) {
      out.write(buf, 0, count);
      count = 0;
    }
  }

  @Override
  public void flush() throws IOException {
    int sent = count;
    drain();
    out.flush();
    if (buf.length > minSize && sent <= minSize / 2) {
      buf = new byte[minSize];
    }
  }

  /** A long wait is ahead (IMAP IDLE): with nothing buffered the buffer goes, the next write makes one. */
  void park() {
    if (count == 0) {
      buf = EMPTY;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      flush();
    } finally {
      out.close();
    }
  }
}
