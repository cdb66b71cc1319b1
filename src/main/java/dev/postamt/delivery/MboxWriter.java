package dev.postamt.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies a CRLF message into mbox form: LF line ends, and ">From " quoting of lines that begin "From ". */
final class MboxWriter {
  private MboxWriter() {}

  static void copy(InputStream in, OutputStream out) throws IOException {
    byte[] line = new byte[8192];
    int len = 0;
    int c;
    boolean lastWasNewline = true;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        writeLine(out, line, len);
        len = 0;
        lastWasNewline = true;
        continue;
      }
      if (len == line.length) {
        line = java.util.Arrays.copyOf(line, line.length * 2);
      }
      line[len++] = (byte) c;
      lastWasNewline = false;
    }
    if (!lastWasNewline || len > 0) {
      writeLine(out, line, len);
    }
  }

  private static void writeLine(OutputStream out, byte[] line, int len) throws IOException {
    if (len > 0 && line[len - 1] == '\r') {
      len--;
    }
    if (len >= 5 && line[0] == 'F' && line[1] == 'r' && line[2] == 'o' && line[3] == 'm' && line[4] == ' ') {
      out.write('>');
    }
    out.write(line, 0, len);
    out.write('\n');
  }
}
