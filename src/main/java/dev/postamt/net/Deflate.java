package dev.postamt.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Raw DEFLATE (RFC 1951, no zlib or gzip framing) in both directions of a connection, as IMAP
 * COMPRESS=DEFLATE (RFC 4978 §4) wants it: {@link Connection#compress} puts these between the socket's
 * buffers and the line accounting, so limits and deadlines apply to the protocol's own bytes.
 */
final class Deflate {
  private Deflate() {}

  /** Called before a read of the socket that may block (to set its time-out, or to fail the deadline). */
  @FunctionalInterface
  interface BeforeBlocking {
    void run() throws IOException;
  }

  /** The inflating side: decompressed bytes, with {@link #buffered} telling what is there without blocking. */
  static final class Input extends InputStream {
    private final UnsyncBufferedInputStream src;
    private final BeforeBlocking beforeBlocking;
    private final Inflater inflater = new Inflater(true);
    private final byte[] in = new byte[4096];
    private final byte[] out = new byte[8192];
    private int pos;
    private int limit;
    private boolean eof;
    private boolean ended;

    Input(UnsyncBufferedInputStream src, BeforeBlocking beforeBlocking) {
      this.src = src;
      this.beforeBlocking = beforeBlocking;
    }

    /** Decompressed bytes available without reading the socket (inflates what is already buffered). */
    int buffered() throws IOException {
      if (pos >= limit) {
        produce(false);
      }
      return limit - pos;
    }

    /** Fills {@link #out}; returns false at the end of the stream, or when {@code block} is off and no data is there. */
    private boolean produce(boolean block) throws IOException {
      if (ended) {
        throw new IOException("connection closed");
      }
      while (!eof) {
        // Inflate before asking for input: zlib may hold output of input it has already taken.
        int n;
        try {
          n = inflater.inflate(out);
        } catch (DataFormatException e) {
          throw new IOException("invalid compressed data: " + e.getMessage());
        }
        if (n > 0) {
          pos = 0;
          limit = n;
          return true;
        }
        if (inflater.finished() || inflater.needsDictionary()) {
          eof = true; // the peer ended its stream: nothing more will be understood
          return false;
        }
        if (!inflater.needsInput()) {
          continue;
        }
        int avail = src.buffered();
        if (avail == 0) {
          if (!block) {
            return false;
          }
          beforeBlocking.run();
        }
        int r = src.read(in, 0, avail == 0 ? in.length : Math.min(avail, in.length));
        if (r < 0) {
          eof = true;
          return false;
        }
        inflater.setInput(in, 0, r);
      }
      return false;
    }

    @Override
    public int read() throws IOException {
      if (pos >= limit && !produce(true)) {
        return -1;
      }
      return out[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos >= limit && !produce(true)) {
        return -1;
      }
      int n = Math.min(len, limit - pos);
      System.arraycopy(out, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public int available() throws IOException {
      return buffered();
    }

    void end() {
      ended = true;
      inflater.end();
    }
  }

  /** The deflating side: {@link #flush} ends the batch with a SYNC_FLUSH so the peer can decode all of it. */
  static final class Output extends OutputStream {
    private final OutputStream out;
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final byte[] buf = new byte[8192];
    private boolean ended;

    Output(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (ended) {
        throw new IOException("connection closed");
      }
      if (len == 0) {
        return;
      }
      deflater.setInput(b, off, len);
      while (!deflater.needsInput()) {
        int n = deflater.deflate(buf, 0, buf.length, Deflater.NO_FLUSH);
        out.write(buf, 0, n);
      }
    }

    @Override
    public void flush() throws IOException {
      if (ended) {
        throw new IOException("connection closed");
      }
      int n;
      do {
        n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
        out.write(buf, 0, n);
      } while (n == buf.length);
      out.flush();
    }

    void end() {
      ended = true;
      deflater.end();
    }
  }
}
