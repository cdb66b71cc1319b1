package dev.postamt.antivirus;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Raw deflate (RFC 1951, as in zip entries and gzip members) inflated under watch: it stops with
 * {@link ArchiveLimit} as soon as the output grows past what the container declared, past the
 * attachment's budget ({@link ArchiveBudget}), or (beyond the first MiB) to more than {@link
 * ArchiveBudget#MAX_RATIO} times the compressed bytes read so far. A bomb is thus caught after about
 * one MiB of output, whatever it would have grown to; nothing is kept but the caller's buffer.
 */
final class InflatingStream extends InputStream {
  private final InputStream compressed;
  private final Inflater inflater = new Inflater(true);
  private final byte[] input = new byte[16 * 1024];
  private final long declared;
  private final ArchiveBudget budget;
  private final String shown;
  private long out;
  private boolean done;
  private int filled;

  /**
   * @param declared the size the container says the data inflates to ({@code -1}: not said)
   * @param shown the content's name for the reason of a finding
   */
  InflatingStream(InputStream compressed, long declared, ArchiveBudget budget, String shown) {
    this.compressed = compressed;
    this.declared = declared;
    this.budget = budget;
    this.shown = shown;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (done || len == 0) {
      return done ? -1 : 0;
    }
    try {
      while (true) {
        int n = inflater.inflate(b, off, len);
        if (n > 0) {
          account(n);
          return n;
        }
        if (inflater.finished()) {
          done = true;
          return -1;
        }
        if (inflater.needsDictionary()) {
          throw new IOException("deflate data asks for a preset dictionary");
        }
        if (inflater.needsInput()) {
          int r = compressed.read(input);
          if (r < 0) {
            throw new EOFException("deflate data cut short");
          }
          inflater.setInput(input, 0, r);
          filled = r;
        }
      }
    } catch (DataFormatException e) {
      throw new IOException("damaged deflate data: " + e.getMessage(), e);
    }
  }

  private void account(int n) throws ArchiveLimit {
    out += n;
    if (declared >= 0 && out > declared) {
      throw new ArchiveLimit(shown + " inflates past the " + declared + " bytes its archive declares");
    }
    budget.inflated(n, shown);
    long in = Math.max(1, inflater.getBytesRead());
    if (out > ArchiveBudget.RATIO_FLOOR && out / in > ArchiveBudget.MAX_RATIO) {
      throw new ArchiveLimit(shown + " grows more than " + ArchiveBudget.MAX_RATIO + " times (" + out + " bytes from "
          + in + ", unpacking stopped there)");
    }
  }

  /** After the end of the deflate data: what follows it (a gzip trailer, the next member). */
  InputStream rest() {
    int left = inflater.getRemaining();
    return new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(input, filled - left, left), compressed);
  }

  /** Frees the inflater, leaving the compressed stream open (for what follows the data). */
  void end() {
    inflater.end();
  }

  @Override
  public void close() throws IOException {
    inflater.end();
    compressed.close();
  }
}
