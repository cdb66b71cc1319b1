package dev.postamt.smtp;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes message bytes through to the spool and notes what makes a message unacceptable, for DATA
 * and BDAT alike, so that both refuse the same input. The verdict is read after the whole data has
 * been read, so the reply comes in step with the client.
 *
 * <ul>
 *   <li>a bare CR or LF (not part of CRLF): relayed onward it could end the data early at another
 *       server (SMTP smuggling). A CRLF split between two BDAT chunks is one CRLF: the state carries
 *       over from one write to the next, and only {@link #verdict} decides about a final lone CR;
 *   <li>a NUL byte: RFC 5321 §4.5.2 / RFC 3030 allow it only with BINARYMIME, which we do not offer;
 *   <li>a header section (everything before the first empty line) larger than {@code
 *       limits.header_size}.
 * </ul>
 */
final class ContentScanner extends FilterOutputStream {
  /** What is wrong with the message, in the order it is reported; {@link #NONE} when nothing. */
  enum Verdict {
    NONE,
    BARE_LINE_ENDING,
    NUL,
    HEADER_TOO_LARGE
  }

  private final long headerLimit;
  private boolean pendingCr;
  private boolean bare;
  private boolean nul;
  /** Bytes of the header section so far; counting stops at the empty line. */
  private long headerBytes;
  private boolean inHeader = true;
  /** Whether the current line (in the header section) has any byte besides its line end. */
  private boolean lineEmpty = true;

  ContentScanner(OutputStream out, long headerLimit) {
    super(out);
    this.headerLimit = headerLimit;
  }

  @Override
  public void write(int b) throws IOException {
    scan(b & 0xff);
    out.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int end = off + len;
    int i = off;
    while (inHeader && i < end) {
      scan(b[i++] & 0xff);
    }
    // past the header section only the line ends and NUL matter: most bytes are above CR and pass
    // with one comparison (and the CR test)
    boolean cr = pendingCr;
    for (; i < end; i++) {
      int c = b[i] & 0xff;
      if (c > '\r' && !cr) {
        continue;
      }
      if (cr) {
        cr = false;
        if (c != '\n') {
          bare = true;
        }
      } else if (c == '\n') {
        bare = true;
      }
      if (c == '\r') {
        cr = true;
      } else if (c == 0) {
        nul = true;
      }
    }
    pendingCr = cr;
    out.write(b, off, len);
  }

  private void scan(int c) {
    if (c == 0) {
      nul = true;
    }
    if (pendingCr) {
      pendingCr = false;
      if (c != '\n') {
        bare = true;
      }
    } else if (c == '\n') {
      bare = true;
    }
    if (c == '\r') {
      pendingCr = true;
    }
    if (inHeader) {
      headerBytes++;
      if (c == '\n') {
        if (lineEmpty) {
          inHeader = false; // the empty line ends the header section
        }
        lineEmpty = true;
      } else if (c != '\r') {
        lineEmpty = false;
      }
    }
  }

  /** The first problem found in the data written so far, the data being complete. */
  Verdict verdict() {
    if (bare || pendingCr) {
      return Verdict.BARE_LINE_ENDING;
    }
    if (nul) {
      return Verdict.NUL;
    }
    if (headerBytes > headerLimit) {
      return Verdict.HEADER_TOO_LARGE;
    }
    return Verdict.NONE;
  }

  /** Whether a problem is already certain (a chunk may end in CR, which is only bare if nothing follows). */
  boolean certainlyBad() {
    return bare || nul || headerBytes > headerLimit;
  }

  @Override
  public void close() throws IOException {
    flush(); // the spool writer is closed by its owner
  }
}
