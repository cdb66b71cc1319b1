package dev.postamt.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads a DATA payload (RFC 5321 §4.1.1.4) up to the terminating {@code CRLF . CRLF}, removes
 * dot-stuffing (§4.5.2) and writes the message to {@code out}.
 *
 * <p>Only CRLF ends a line. A bare LF or a bare CR anywhere is recorded, and the session then refuses
 * the transaction, so that {@code <LF>.<LF>} or {@code <CR>.<CR>} can never end a message here while
 * ending it at another MTA (SMTP smuggling, CVE-2023-51764 and its kin). The end marker is only ever
 * {@code CRLF . CRLF}, so the session stays in step with an honest client.
 *
 * <p>Nothing past the end marker is consumed: pipelined commands after it stay in the stream.
 */
final class DataReader {
  /** What was read: the message size, whether it exceeded the limit, whether a bare CR/LF was seen. */
  record Result(long size, boolean tooBig, boolean bareLineEnding) {}

  private static final int LINE_START = 0, MID = 1, CR = 2, DOT = 3, DOT_CR = 4;

  private final InputStream in;
  private final OutputStream out;
  /** Bytes collect here and go to {@code out} in blocks, not one write call per byte. */
  private final byte[] pending = new byte[8192];
  private int npending;
  private final long maxSize;
  private long size;
  private boolean tooBig;
  private boolean bare;
  private int state = LINE_START;

  private DataReader(InputStream in, OutputStream out, long maxSize) {
    this.in = in;
    this.out = out;
    this.maxSize = maxSize;
  }

  static Result read(InputStream in, OutputStream out, long maxSize) throws IOException {
    DataReader r = new DataReader(in, out, maxSize);
    r.run();
    return new Result(r.size, r.tooBig, r.bare);
  }

  private void run() throws IOException {
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed during DATA");
      }
      switch (state) {
        case LINE_START -> {
          if (c == '.') {
            state = DOT;
          } else {
            body(c);
          }
        }
        case DOT -> {
          if (c == '\r') {
            state = DOT_CR;
          } else {
            body(c); // the leading dot was stuffing
          }
        }
        case DOT_CR -> {
          if (c == '\n') {
            drain();
            out.flush();
            return;
          }
          bare = true; // ".<CR>x": the dot was stuffing and the CR stands alone
          emit('\r');
          state = MID;
          body(c);
        }
        case CR -> {
          if (c == '\n') {
            emit('\r');
            emit('\n');
            state = LINE_START;
          } else {
            bare = true;
            emit('\r');
            state = MID;
            body(c);
          }
        }
        default -> body(c);
      }
    }
  }

  /** A byte inside a line. A bare LF is kept (the message is refused anyway) but starts no line. */
  private void body(int c) throws IOException {
    if (c == '\r') {
      state = CR;
      return;
    }
    if (c == '\n') {
      bare = true;
    }
    emit(c);
    state = MID;
  }

  private void emit(int c) throws IOException {
    size++;
    if (size > maxSize) {
      tooBig = true;
    } else {
      if (npending == pending.length) {
        drain();
      }
      pending[npending++] = (byte) c;
    }
  }

  private void drain() throws IOException {
    if (npending > 0) {
      out.write(pending, 0, npending);
      npending = 0;
    }
  }
}
