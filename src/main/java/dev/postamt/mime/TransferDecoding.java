package dev.postamt.mime;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.Locale;

/**
 * A part's body with its Content-Transfer-Encoding undone, as a stream: base64 (RFC 2045 §6.8, bytes
 * outside the alphabet skipped) and quoted-printable (RFC 2045 §6.7, soft line breaks removed, a
 * malformed {@code =} kept as it is). Other encodings ({@code 7bit}, {@code 8bit}, {@code binary}, or
 * unknown) give the body unchanged. Never throws on malformed input: what cannot be decoded ends the
 * stream, like a tolerant reader would.
 */
public final class TransferDecoding {
  private TransferDecoding() {}

  /** Whether {@code encoding} (lower case) changes the bytes. */
  public static boolean transforms(String encoding) {
    return encoding.equals("base64") || encoding.equals("quoted-printable");
  }

  /** The decoded body of a leaf part. */
  public static InputStream decoded(MimePart part) {
    InputStream raw = new ByteArrayInputStream(part.data(), part.bodyStart(), part.bodySize());
    return decode(raw, part.encoding().toLowerCase(Locale.ROOT));
  }

  /** {@code in} decoded according to {@code encoding} (lower case). */
  public static InputStream decode(InputStream in, String encoding) {
    return switch (encoding) {
      case "base64" -> new Tolerant(Base64.getMimeDecoder().wrap(in));
      case "quoted-printable" -> new QuotedPrintable(in);
      default -> in;
    };
  }

  /** Ends the stream at the first decoding error (bad base64 padding) instead of failing. */
  private static final class Tolerant extends FilterInputStream {
    private boolean failed;

    Tolerant(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (failed) {
        return -1;
      }
      try {
        return in.read(b, off, len);
      } catch (IOException e) {
        failed = true;
        return -1;
      }
    }
  }

  /**
   * Quoted-printable (RFC 2045 §6.7), leniently: {@code =XX} is the byte, {@code =} before a line end is a
   * soft line break, any other {@code =} stands for itself. Decodes a block of the source at a time from
   * its own buffer (it read the source byte by byte through a push-back stream before: ~10 times slower).
   */
  private static final class QuotedPrintable extends InputStream {
    private final InputStream in;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int lim;
    private boolean eof;

    QuotedPrintable(InputStream in) {
      this.in = in;
    }

    /** Makes at least {@code n} bytes available unless the source ends first; returns how many are. */
    private int fill(int n) throws IOException {
      if (lim - pos >= n || eof) {
        return lim - pos;
      }
      System.arraycopy(buf, pos, buf, 0, lim - pos);
      lim -= pos;
      pos = 0;
      while (lim < n) {
        int r = in.read(buf, lim, buf.length - lim);
        if (r < 0) {
          eof = true;
          break;
        }
        lim += r;
      }
      return lim - pos;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] out, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      int n = 0;
      while (n < len && fill(1) > 0) {
        while (n < len && pos < lim && buf[pos] != '=') {
          out[off + n++] = buf[pos++];
        }
        if (n == len || pos == lim) {
          continue;
        }
        int avail = fill(3); // '=' and what follows
        int a = avail >= 2 ? buf[pos + 1] & 0xff : -1;
        if (a == '\r') {
          pos += 2;
          if (fill(1) > 0 && buf[pos] == '\n') {
            pos++;
          }
          continue; // soft line break
        }
        if (a == '\n') {
          pos += 2;
          continue;
        }
        int b = a < 0 || avail < 3 ? -1 : buf[pos + 2] & 0xff;
        int hi = Character.digit(a, 16);
        int lo = b < 0 ? -1 : Character.digit(b, 16);
        if (hi >= 0 && lo >= 0) {
          out[off + n++] = (byte) (hi << 4 | lo);
          pos += 3;
        } else {
          out[off + n++] = '=';
          pos++;
        }
      }
      return n == 0 ? -1 : n;
    }
  }
}
