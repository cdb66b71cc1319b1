package dev.postamt.smtp.client;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Message content on its way into DATA: a line starting with "." gets another "." (RFC 5321
 * §4.5.2), and {@link #finish} ends the last line with CRLF when needed and writes the ".CRLF"
 * terminator.
 *
 * <p>Every line ends in CRLF on the wire: a bare CR or a bare LF in the content (a message spooled
 * before the server refused them, or one from a local source) is written as CRLF. Sent as it is,
 * {@code <LF>.<LF>} or {@code <CR>.<CR>} could end the data early at a receiver that accepts such
 * line ends and make the rest a command of ours to the next hop (SMTP smuggling); as CRLF, the dot
 * is stuffed like any other line-initial dot.
 */
final class DotStuffingOutputStream extends FilterOutputStream {
  private static final byte[] CRLF = {'\r', '\n'};

  private boolean atLineStart = true;
  /** A CR was seen and not yet written: it is a line end with or without the LF that may follow. */
  private boolean pendingCr;
  private boolean empty = true;

  DotStuffingOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int start = off; // the first byte not yet written
    int end = off + len;
    for (int i = off; i < end; i++) {
      byte c = b[i];
      empty = false;
      if (pendingCr) {
        pendingCr = false;
        out.write(CRLF);
        atLineStart = true;
        if (c == '\n') {
          start = i + 1; // CRLF: written as one line end
          continue;
        }
        start = i; // a bare CR was a line end of its own
      }
      if (c == '\r') {
        if (i + 1 < end && b[i + 1] == '\n') {
          i++; // CRLF, the usual case: stays in the run written at once
          atLineStart = true;
          continue;
        }
        out.write(b, start, i - start);
        pendingCr = true; // decided by the next byte, which may come in the next write
        start = i + 1;
      } else if (c == '\n') {
        out.write(b, start, i - start); // a bare LF
        out.write(CRLF);
        atLineStart = true;
        start = i + 1;
      } else {
        if (atLineStart && c == '.') {
          out.write(b, start, i - start);
          out.write('.');
          start = i;
        }
        atLineStart = false;
      }
    }
    out.write(b, start, end - start);
  }

  /** Ends the content; does not close the connection. */
  void finish() throws IOException {
    if (pendingCr) {
      out.write(CRLF);
      pendingCr = false;
    } else if (!empty && !atLineStart) {
      out.write(CRLF);
    }
    out.write(new byte[] {'.', '\r', '\n'});
  }

  @Override
  public void close() {
    // the connection stays open for the reply
  }
}
