package dev.postamt.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Turns stored message bytes into the body of a POP3 multi-line response, streaming: every line end
 * becomes CRLF (a bare LF gets its CR, RFC 1939 §3), a line starting with '.' gets one more '.'
 * (byte-stuffing, RFC 1939 §3), an unterminated last line is terminated, and for TOP the output stops
 * after the header, the blank line and the requested number of body lines (RFC 1939 §7).
 *
 * <p>The same code computes the sizes LIST and STAT report ({@link #size}), so the size always equals
 * the octets RETR sends, not counting the stuffed dots and the terminating ".CRLF" (RFC 1939 §11).
 * The terminating line is the caller's to write.
 */
final class MessageEncoder {
  private static final int CHUNK = 16 * 1024;

  private MessageEncoder() {}

  /** The message's octet count with CRLF line ends, as RETR will send it. */
  static long size(InputStream in) throws IOException {
    return copy(in, OutputStream.nullOutputStream(), -1, false);
  }

  /** The whole message, byte-stuffed. Returns the octets sent, not counting stuffing. */
  static long retr(InputStream in, OutputStream out) throws IOException {
    return copy(in, out, -1, true);
  }

  /** Header, blank line and the first {@code bodyLines} lines of the body, byte-stuffed. */
  static long top(InputStream in, OutputStream out, long bodyLines) throws IOException {
    return copy(in, out, bodyLines, true);
  }

  /**
   * The one state machine behind all three.
   *
   * @param bodyLines body lines to send after the header's blank line, or -1 for the whole message
   */
  private static long copy(InputStream in, OutputStream out, long bodyLines, boolean stuff) throws IOException {
    byte[] buf = new byte[CHUNK];
    byte[] o = new byte[2 * CHUNK + 2]; // worst case: every byte a bare LF or a stuffed dot
    long count = 0;
    boolean lineStart = true;
    boolean cr = false; // last byte was CR, already written
    boolean inHeader = true;
    int lineLen = 0; // octets of the current line before its line end
    long sentBody = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      int op = 0;
      for (int i = 0; i < n; i++) {
        byte b = buf[i];
        if (b == '\n') {
          if (!cr) {
            o[op++] = '\r';
            count++;
          }
          o[op++] = '\n';
          count++;
          cr = false;
          if (inHeader && lineLen == 0) {
            inHeader = false;
          } else if (!inHeader) {
            sentBody++;
          }
          lineStart = true;
          lineLen = 0;
          // TOP n 0 still sends the blank line: the check comes after it has passed.
          if (!inHeader && bodyLines >= 0 && sentBody >= bodyLines) {
            out.write(o, 0, op);
            return count;
          }
          continue;
        }
        if (cr) {
          lineLen++; // a CR not followed by LF is an ordinary byte of the line
          cr = false;
        }
        if (lineStart && b == '.' && stuff) {
          o[op++] = '.';
        }
        lineStart = false;
        o[op++] = b;
        count++;
        if (b == '\r') {
          cr = true;
        } else {
          lineLen++;
        }
      }
      out.write(o, 0, op);
    }
    if (!lineStart) {
      // RFC 1939 §3: the terminating ".CRLF" must start a line; the missing line end is part of what
      // we send, so it is part of the size too.
      if (cr) {
        out.write('\n');
        count++;
      } else {
        out.write(new byte[] {'\r', '\n'});
        count += 2;
      }
    }
    return count;
  }
}
