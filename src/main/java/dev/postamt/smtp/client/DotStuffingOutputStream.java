package dev.postamt.smtp.client;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Message content on its way into DATA: a line starting with "." gets another "." (RFC 5321
 * §4.5.2), and {@link #finish} ends the last line with CRLF when needed and writes the ".CRLF"
 * terminator. The spooled messages already have CRLF line ends (the server refuses bare CR and LF),
 * so no other conversion happens.
 */
final class DotStuffingOutputStream extends FilterOutputStream {
  private boolean atLineStart = true;
  private int last = -1;

  DotStuffingOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    if (atLineStart && b == '.') {
      out.write('.');
    }
    out.write(b);
    atLineStart = b == '\n';
    last = b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int start = off;
    int end = off + len;
    for (int i = off; i < end; i++) {
      if (atLineStart && b[i] == '.') {
        out.write(b, start, i - start);
        out.write('.');
        start = i;
      }
      atLineStart = b[i] == '\n';
    }
    out.write(b, start, end - start);
    if (len > 0) {
      last = b[end - 1];
    }
  }

  /** Ends the content; does not close the connection. */
  void finish() throws IOException {
    if (last != -1 && last != '\n') {
      out.write('\r');
      out.write('\n');
    }
    out.write(new byte[] {'.', '\r', '\n'});
  }

  @Override
  public void close() {
    // the connection stays open for the reply
  }
}
