package dev.postamt.imap;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one complete command from the client: a line, and for each literal announced at its end the
 * literal bytes and the line after them (RFC 3501 §4.3, RFC 7888 LITERAL+). Synchronising literals are
 * acknowledged with a continuation request through {@link Continuation}. Enforces the line and literal
 * limits; the result goes to {@link CommandParser} unchanged.
 */
final class CommandReader {
  /** Sends {@code + Ready} before the client may send a synchronising literal. */
  interface Continuation {
    void ready() throws IOException;
  }

  /** A line or literal over the limit; {@code fatal} when the stream can no longer be followed. */
  static final class TooLongException extends IOException {
    final boolean fatal;
    final String tag;

    TooLongException(String message, boolean fatal, String tag) {
      super(message);
      this.fatal = fatal;
      this.tag = tag;
    }
  }

  private final InputStream in;
  private final int maxLine;
  private final long maxLiteral;
  private final long maxCommand;

  CommandReader(InputStream in, int maxLine, long maxLiteral) {
    this.in = in;
    this.maxLine = maxLine;
    this.maxLiteral = maxLiteral;
    this.maxCommand = maxLiteral + 64L * maxLine;
  }

  /** The next command without its final CRLF, or null at end of stream. */
  byte[] read(Continuation cont) throws IOException {
    ByteArrayOutputStream cmd = new ByteArrayOutputStream();
    boolean first = true;
    String tag = null;
    while (true) {
      byte[] line = readLine();
      if (line == null) {
        if (first) {
          return null;
        }
        throw new EOFException("connection closed inside a command");
      }
      if (first) {
        String l = new String(line, 0, Math.min(line.length, 100), java.nio.charset.StandardCharsets.US_ASCII);
        int sp = l.indexOf(' ');
        tag = sp > 0 ? l.substring(0, sp) : null;
      }
      first = false;
      cmd.write(line);
      long[] lit = literalAtEnd(line);
      if (lit == null) {
        return cmd.toByteArray();
      }
      long n = lit[0];
      boolean sync = lit[1] == 0;
      if (n > maxLiteral || cmd.size() + n > maxCommand) {
        // A synchronising literal was never invited, so the client sends nothing more of it; a
        // non-synchronising one is already on its way and the stream cannot be followed (RFC 7888 §4).
        throw new TooLongException("Literal too large", !sync, tag);
      }
      if (sync) {
        cont.ready();
      }
      cmd.write('\r');
      cmd.write('\n');
      byte[] data = in.readNBytes((int) n);
      if (data.length < n) {
        throw new EOFException("connection closed inside a literal");
      }
      cmd.write(data);
    }
  }

  /** One line without CRLF (a bare LF ends a line too), or null at end of stream. */
  byte[] readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    while (true) {
      int c = in.read();
      if (c < 0) {
        if (line.size() == 0) {
          return null;
        }
        throw new EOFException("connection closed inside a line");
      }
      if (c == '\n') {
        byte[] out = line.toByteArray();
        int len = out.length;
        if (len > 0 && out[len - 1] == '\r') {
          return java.util.Arrays.copyOf(out, len - 1);
        }
        return out;
      }
      if (line.size() >= maxLine) {
        skipLine();
        throw new TooLongException("Command line too long", false, null);
      }
      line.write(c);
    }
  }

  private void skipLine() throws IOException {
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      // discard
    }
  }

  /** {n} or {n+} (optionally ~{n}) at the end of a line: {length, nonSync?1:0}; else null. */
  static long[] literalAtEnd(byte[] line) {
    int e = line.length - 1;
    if (e < 2 || line[e] != '}') {
      return null;
    }
    int i = e - 1;
    boolean plus = line[i] == '+';
    if (plus) {
      i--;
    }
    int digitsEnd = i;
    while (i >= 0 && line[i] >= '0' && line[i] <= '9') {
      i--;
    }
    if (i < 0 || line[i] != '{' || i == digitsEnd || digitsEnd - i > 12) {
      return null;
    }
    long n = Long.parseLong(new String(line, i + 1, digitsEnd - i, java.nio.charset.StandardCharsets.US_ASCII));
    return new long[] {n, plus ? 1 : 0};
  }
}
