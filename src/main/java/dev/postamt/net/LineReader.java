package dev.postamt.net;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads protocol lines from a stream byte by byte (the stream is buffered underneath), so nothing
 * beyond the current line is consumed. Lines end in CRLF; a bare LF also ends a command line (as
 * Postfix accepts) and is reported by {@link #bareLf()} so a protocol can refuse it where it matters.
 */
public final class LineReader {
  /** Past this many bytes of one over-long line the connection is given up. */
  private static final int DISCARD_LIMIT = 1 << 20;

  private final InputStream in;
  private final int maxLength;
  private final ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
  private boolean bareLf;

  public LineReader(InputStream in, int maxLength) {
    this.in = in;
    this.maxLength = maxLength;
  }

  /**
   * The next line without its line ending, or null at end of stream before any byte.
   *
   * @throws LineTooLongException when the line exceeds the limit (the rest of it has been consumed)
   */
  public byte[] readLine() throws IOException {
    return readLine(maxLength);
  }

  /** Like {@link #readLine()} with a limit of its own for this line (a SASL response, say). */
  public byte[] readLine(int maxLength) throws IOException {
    buf.reset();
    bareLf = false;
    int total = 0;
    boolean tooLong = false;
    int prev = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (total == 0 && prev < 0) {
          return null;
        }
        throw new EOFException("connection closed in the middle of a line");
      }
      if (b == '\n') {
        byte[] line = buf.toByteArray();
        int len = line.length;
        if (len > 0 && line[len - 1] == '\r') {
          len--;
        } else {
          bareLf = true;
        }
        if (tooLong) {
          throw new LineTooLongException(maxLength);
        }
        return len == line.length ? line : java.util.Arrays.copyOf(line, len);
      }
      total++;
      prev = b;
      if (!tooLong) {
        buf.write(b);
        if (buf.size() > maxLength + 1) {
          tooLong = true;
          buf.reset();
        }
      } else if (total > DISCARD_LIMIT) {
        throw new IOException("line longer than " + DISCARD_LIMIT + " bytes; giving up");
      }
    }
  }

  /** Whether the last line read ended in a bare LF rather than CRLF. */
  public boolean bareLf() {
    return bareLf;
  }

  /** The line was longer than the limit. */
  public static final class LineTooLongException extends IOException {
    public LineTooLongException(int max) {
      super("line longer than " + max + " bytes");
    }
  }
}
