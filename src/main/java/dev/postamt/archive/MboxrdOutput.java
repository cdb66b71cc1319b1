package dev.postamt.archive;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * One message's bytes as an mboxrd body: CRLF becomes LF, and a line that is {@code From } after any
 * number of {@code >} gets one more {@code >} in front (so a reader removes exactly one and gets the
 * line back). Streams: at most the first bytes of a line are held while deciding.
 */
final class MboxrdOutput extends FilterOutputStream {
  private static final byte[] FROM = {'F', 'r', 'o', 'm', ' '};
  private final byte[] head = new byte[4096];
  private int held;
  private boolean atLineStart = true;
  private boolean pendingCr;
  private int last = '\n';

  MboxrdOutput(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    if (pendingCr) {
      pendingCr = false;
      if (b == '\n') {
        emitLineEnd();
        return;
      }
      text('\r');
    }
    if (b == '\r') {
      pendingCr = true;
      return;
    }
    if (b == '\n') {
      emitLineEnd();
      return;
    }
    text(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      write(b[i]);
    }
  }

  private void text(int b) throws IOException {
    if (!atLineStart) {
      out.write(b);
      last = b;
      return;
    }
    head[held++] = (byte) b;
    int gt = 0;
    while (gt < held && head[gt] == '>') {
      gt++;
    }
    int rest = held - gt;
    boolean stillFrom = true;
    for (int i = 0; i < rest && i < FROM.length; i++) {
      stillFrom &= head[gt + i] == FROM[i];
    }
    if (!stillFrom || rest >= FROM.length || held == head.length) {
      if (stillFrom && rest >= FROM.length) {
        out.write('>');
      }
      flushHead();
    }
  }

  private void flushHead() throws IOException {
    out.write(head, 0, held);
    if (held > 0) {
      last = head[held - 1];
    }
    held = 0;
    atLineStart = false;
  }

  private void emitLineEnd() throws IOException {
    if (held > 0) {
      flushHead(); // a line of only ">"s, or shorter than "From "
    }
    out.write('\n');
    last = '\n';
    atLineStart = true;
  }

  /** Ends the message: a last line without its end gets one, then the empty line that separates messages. */
  void finish() throws IOException {
    if (pendingCr) {
      pendingCr = false;
      text('\r');
    }
    if (held > 0) {
      flushHead();
    }
    if (last != '\n') {
      out.write('\n');
    }
    out.write('\n');
    out.flush();
  }

  @Override
  public void close() throws IOException {
    finish();
  }
}
