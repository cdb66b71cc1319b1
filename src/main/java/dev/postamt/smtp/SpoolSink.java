package dev.postamt.smtp;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where message bytes go while they are read from the client. A write error (disk full, I/O error)
 * is remembered instead of thrown, so that the session keeps reading the client's data to its end and
 * can answer {@code 451} in step, instead of dropping the connection.
 */
final class SpoolSink extends OutputStream {
  private final OutputStream out;
  private IOException failure;

  SpoolSink(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) {
    if (failure == null) {
      try {
        out.write(b);
      } catch (IOException e) {
        failure = e;
      }
    }
  }

  @Override
  public void write(byte[] b, int off, int len) {
    if (failure == null) {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        failure = e;
      }
    }
  }

  @Override
  public void flush() {
    if (failure == null) {
      try {
        out.flush();
      } catch (IOException e) {
        failure = e;
      }
    }
  }

  /** The first write error, or null. */
  IOException failure() {
    return failure;
  }
}
