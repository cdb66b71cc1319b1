package dev.postamt.mailauth.dkim;

import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Canonicalizes a body as it streams past and feeds it to a digest (RFC 6376 §3.4.3, §3.4.4), honouring
 * an optional l= limit (§3.5). Nothing is buffered beyond one pending CR, a count of pending empty
 * lines and a small output buffer, so a 50 MB body costs no more memory than a short one.
 *
 * <p>Bare LF is taken as a line end, so a message stored with LF endings hashes like its CRLF wire
 * form; a CR not followed by LF is ordinary content.
 */
public final class BodyHasher extends OutputStream {
  private final MessageDigest digest;
  private final boolean relaxed;
  private final long limit;
  private final byte[] buf = new byte[8192];
  private int bufLen;
  private long emitted; // canonical bytes produced, counting those past the limit
  private long emptyLines; // empty lines seen but not yet emitted: trailing ones are dropped
  private boolean lineStarted;
  private boolean pendingSpace;
  private boolean pendingCr;
  private boolean finished;
  private byte[] hash;

  /** {@code limit} is the l= value, or -1 for the whole body. */
  public BodyHasher(MessageDigest digest, boolean relaxed, long limit) {
    this.digest = digest;
    this.relaxed = relaxed;
    this.limit = limit;
  }

  @Override
  public void write(int b) {
    b &= 0xff;
    if (pendingCr) {
      pendingCr = false;
      if (b == '\n') {
        endOfLine();
        return;
      }
      content('\r');
    }
    if (b == '\r') {
      pendingCr = true;
    } else if (b == '\n') {
      endOfLine();
    } else if (relaxed && (b == ' ' || b == '\t')) {
      pendingSpace = true; // reduced to one space if content follows, dropped at end of line
    } else {
      content(b);
    }
  }

  /**
   * As {@link #write(int)} for each byte, but inside a line a run of bytes that canonicalization leaves
   * as they are (not CR, LF, nor, when relaxed, space or tab) is copied to the digest's buffer in one
   * step instead of going through the state machine byte by byte.
   */
  @Override
  public void write(byte[] b, int off, int len) {
    int end = off + len;
    int i = off;
    while (i < end) {
      if (lineStarted && !pendingCr && !pendingSpace) {
        int j = i;
        while (j < end && plain(b[j])) {
          j++;
        }
        if (j > i) {
          emitRun(b, i, j - i);
          i = j;
          if (i == end) {
            break;
          }
        }
      }
      write(b[i++]);
    }
  }

  /** Whether canonicalization leaves this byte as it is wherever it stands inside a line. */
  private boolean plain(byte c) {
    return c != '\r' && c != '\n' && (!relaxed || c != ' ' && c != '\t');
  }

  /** As {@link #emit} for each of {@code n} bytes. */
  private void emitRun(byte[] b, int off, int n) {
    long keep = limit < 0 ? n : Math.max(0, Math.min(n, limit - emitted));
    int at = off;
    for (int left = (int) keep; left > 0; ) {
      int c = Math.min(left, buf.length - bufLen);
      System.arraycopy(b, at, buf, bufLen, c);
      bufLen += c;
      at += c;
      left -= c;
      if (bufLen == buf.length) {
        digest.update(buf, 0, bufLen);
        bufLen = 0;
      }
    }
    emitted += n;
  }

  private void content(int b) {
    if (!lineStarted) {
      for (; emptyLines > 0; emptyLines--) {
        emit('\r');
        emit('\n');
      }
      lineStarted = true;
    }
    if (pendingSpace) {
      emit(' ');
      pendingSpace = false;
    }
    emit(b);
  }

  private void endOfLine() {
    pendingSpace = false;
    if (lineStarted) {
      emit('\r');
      emit('\n');
      lineStarted = false;
    } else {
      emptyLines++;
    }
  }

  private void emit(int b) {
    if (limit < 0 || emitted < limit) {
      buf[bufLen++] = (byte) b;
      if (bufLen == buf.length) {
        digest.update(buf, 0, bufLen);
        bufLen = 0;
      }
    }
    emitted++;
  }

  /** Ends the body and returns the hash (bh=). Idempotent. */
  public byte[] finish() {
    if (finished) {
      return hash;
    }
    finished = true;
    if (pendingCr) {
      pendingCr = false;
      content('\r');
    }
    if (lineStarted) {
      emit('\r'); // a last line without CRLF gets one (§3.4.3, §3.4.4)
      emit('\n');
    } else if (!relaxed && emitted == 0) {
      emit('\r'); // simple: an empty body is one CRLF; relaxed: an empty body stays empty (errata 3694)
      emit('\n');
    }
    digest.update(buf, 0, bufLen);
    bufLen = 0;
    hash = digest.digest();
    return hash;
  }

  /** The length of the whole canonical body (known after {@link #finish}). */
  public long canonicalLength() {
    return emitted;
  }

  @Override
  public void close() {
    finish();
  }
}
