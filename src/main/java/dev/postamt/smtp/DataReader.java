package dev.postamt.smtp;

import dev.postamt.net.Unread;
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
 * <p>Nothing past the end marker is consumed: pipelined commands after it stay in the stream. From a
 * stream that can take bytes back ({@link Unread}: the connection) the data is read in blocks, and what
 * follows the end marker is given back; from any other stream a byte at a time. Either way each block
 * is looked at once, byte by byte only for the line ends and the dots at line starts, and passed on in
 * runs: {@code out} sees the block less the stuffing dots, not one call per byte.
 */
final class DataReader {
  /** What was read: the message size, whether it exceeded the limit, whether a bare CR/LF was seen. */
  record Result(long size, boolean tooBig, boolean bareLineEnding) {}

  private static final int LINE_START = 0, MID = 1, CR = 2, DOT = 3, DOT_CR = 4;
  /** The block read from a stream that can take bytes back; the connection's reads of this size bypass its buffer. */
  private static final int BLOCK = 16 * 1024;
  private static final byte[] CR_BYTE = {'\r'};

  private final InputStream in;
  private final OutputStream out;
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

  /**
   * Reads one message from {@code in} into {@code out}. {@code block}: an array of {@link #block()}'s to
   * read into, kept by the session from one message to the next (it holds nothing once this returns:
   * what follows the end marker is given back to {@code in}, which copies it).
   */
  static Result read(InputStream in, OutputStream out, long maxSize, byte[] block) throws IOException {
    DataReader r = new DataReader(in, out, maxSize);
    r.run(in instanceof Unread ? block : new byte[1]);
    return new Result(r.size, r.tooBig, r.bare);
  }

  /** {@link #read(InputStream, OutputStream, long, byte[])} into an array of its own. */
  static Result read(InputStream in, OutputStream out, long maxSize) throws IOException {
    return read(in, out, maxSize, block());
  }

  /** The array {@link #read} reads a message into, one per session. */
  static byte[] block() {
    return new byte[BLOCK];
  }

  private void run(byte[] block) throws IOException {
    Unread back = in instanceof Unread u ? u : null;
    while (true) {
      int n = in.read(block, 0, block.length);
      if (n < 0) {
        throw new EOFException("connection closed during DATA");
      }
      int end = scan(block, n);
      if (end >= 0) {
        out.flush();
        if (end < n) {
          back.unread(block, end, n - end); // only a block read can have read past the marker
        }
        return;
      }
    }
  }

  /**
   * Passes {@code b[0, n)} on, less the stuffing dots; returns the index just past the end marker
   * when the block holds it, else -1. A CR is passed on with the run it is in except after a line's
   * leading dot, where it may belong to the end marker: held back until the next byte says.
   */
  private int scan(byte[] b, int n) throws IOException {
    int i = 0;
    int run = 0; // where the bytes not yet passed on begin
    while (i < n) {
      switch (state) {
        case MID -> {
          byte c = 0;
          while (i < n && (c = b[i]) != '\r' && c != '\n') {
            i++;
          }
          if (i < n) {
            if (c == '\r') {
              state = CR;
            } else {
              bare = true; // a bare LF is kept (the message is refused anyway) but starts no line
            }
            i++;
          }
        }
        case CR -> {
          if (b[i] == '\n') {
            state = LINE_START;
            i++;
          } else {
            bare = true; // the CR (already in the run) stands alone; this byte is read as any other
            state = MID;
          }
        }
        case LINE_START -> {
          if (b[i] == '.') {
            emit(b, run, i);
            run = ++i;
            state = DOT;
          } else {
            state = MID;
          }
        }
        case DOT -> {
          if (b[i] == '\r') {
            run = ++i; // held back: the end marker's, or a bare CR after a stuffing dot
            state = DOT_CR;
          } else {
            state = MID; // the leading dot was stuffing
          }
        }
        default -> { // DOT_CR
          if (b[i] == '\n') {
            return i + 1;
          }
          bare = true; // ".<CR>x": the dot was stuffing and the CR stands alone
          emit(CR_BYTE, 0, 1);
          state = MID;
        }
      }
    }
    emit(b, run, n);
    return -1;
  }

  /** Passes {@code b[from, to)} on, as far as it fits within the size limit; counts it all. */
  private void emit(byte[] b, int from, int to) throws IOException {
    int len = to - from;
    if (len <= 0) {
      return;
    }
    long room = maxSize - size;
    size += len;
    if (len > room) {
      tooBig = true;
      if (room > 0) {
        out.write(b, from, (int) room);
      }
    } else {
      out.write(b, from, len);
    }
  }
}
