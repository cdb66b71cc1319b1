package dev.postamt.mime;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
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

  private static final class QuotedPrintable extends InputStream {
    private final PushbackInputStream in;

    QuotedPrintable(InputStream in) {
      this.in = new PushbackInputStream(in, 3);
    }

    @Override
    public int read() throws IOException {
      while (true) {
        int c = in.read();
        if (c != '=') {
          return c;
        }
        int a = in.read();
        if (a == '\r') {
          int lf = in.read();
          if (lf != '\n' && lf >= 0) {
            in.unread(lf);
          }
          continue; // soft line break
        }
        if (a == '\n') {
          continue;
        }
        int b = a < 0 ? -1 : in.read();
        int hi = Character.digit(a, 16);
        int lo = b < 0 ? -1 : Character.digit(b, 16);
        if (hi >= 0 && lo >= 0) {
          return hi << 4 | lo;
        }
        if (b >= 0) {
          in.unread(b);
        }
        if (a >= 0) {
          in.unread(a);
        }
        return '=';
      }
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = 0;
      while (n < len) {
        int c = read();
        if (c < 0) {
          return n == 0 ? -1 : n;
        }
        buf[off + n++] = (byte) c;
      }
      return n;
    }
  }
}
