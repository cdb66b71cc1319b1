package dev.postamt.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a byte stream as lines of at most {@value #MAX} bytes: a longer line comes in several pieces,
 * and {@link #atLineStart} tells whether a piece begins a line. Memory stays bounded whatever the input.
 */
final class LineInput implements AutoCloseable {
  static final int MAX = 64 * 1024;

  private final InputStream in;
  private final byte[] buf = new byte[MAX];
  private boolean nextStartsLine = true;
  private boolean atLineStart;
  private byte[] pushedBack;
  private boolean pushedBackStart;

  LineInput(InputStream in) {
    this.in = in instanceof java.io.BufferedInputStream ? in : new java.io.BufferedInputStream(in, 65536);
  }

  /** The next piece, ending with {@code \n} unless it is a long line's part or the end; null at the end. */
  byte[] next() throws IOException {
    if (pushedBack != null) {
      byte[] p = pushedBack;
      pushedBack = null;
      atLineStart = pushedBackStart;
      nextStartsLine = p[p.length - 1] == '\n';
      return p;
    }
    int n = 0;
    int b;
    while (n < MAX && (b = in.read()) >= 0) {
      buf[n++] = (byte) b;
      if (b == '\n') {
        break;
      }
    }
    if (n == 0) {
      return null;
    }
    atLineStart = nextStartsLine;
    nextStartsLine = buf[n - 1] == '\n';
    return Arrays.copyOf(buf, n);
  }

  /** Whether the piece last returned began a line. */
  boolean atLineStart() {
    return atLineStart;
  }

  /** Gives the piece last returned back, to be returned by the next {@link #next}. */
  void pushBack(byte[] piece) {
    pushedBack = piece;
    pushedBackStart = atLineStart;
  }

  static boolean startsWith(byte[] line, String prefix) {
    if (line.length < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (line[i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the piece is an empty line ({@code \n} or {@code \r\n}). */
  static boolean blank(byte[] line) {
    return (line.length == 1 && line[0] == '\n') || (line.length == 2 && line[0] == '\r' && line[1] == '\n');
  }

  /** Writes a piece with its line end as CRLF (RFC 5322 §2.1); a piece without a line end as it is. */
  static void writeCrlf(byte[] piece, int from, java.io.OutputStream out) throws IOException {
    int end = piece.length;
    if (end > from && piece[end - 1] == '\n') {
      end--;
      if (end > from && piece[end - 1] == '\r') {
        end--;
      }
      out.write(piece, from, end - from);
      out.write('\r');
      out.write('\n');
    } else {
      out.write(piece, from, end - from);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
