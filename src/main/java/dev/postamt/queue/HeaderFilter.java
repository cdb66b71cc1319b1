package dev.postamt.queue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;

/**
 * Copies a message leaving out some header fields by position (RFC 5322 §2.2: a field is a line that
 * does not start with white space plus the lines that do and follow it). The body is copied as is.
 */
final class HeaderFilter {
  private HeaderFilter() {}

  static void copyWithout(InputStream in, OutputStream out, Set<Integer> drop) throws IOException {
    int field = -1;
    boolean inHeader = true;
    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    while (inHeader) {
      line.reset();
      int c;
      while ((c = in.read()) >= 0) {
        line.write(c);
        if (c == '\n') {
          break;
        }
      }
      byte[] l = line.toByteArray();
      if (l.length == 0) {
        return; // end of message inside the header
      }
      boolean blank = l.length == 1 && l[0] == '\n' || l.length == 2 && l[0] == '\r' && l[1] == '\n';
      if (blank) {
        out.write(l);
        inHeader = false;
      } else {
        if (l[0] != ' ' && l[0] != '\t') {
          field++;
        }
        if (field < 0 || !drop.contains(field)) {
          out.write(l);
        }
      }
      if (c < 0) {
        return;
      }
    }
    in.transferTo(out);
  }
}
