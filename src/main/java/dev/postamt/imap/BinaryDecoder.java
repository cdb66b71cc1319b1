package dev.postamt.imap;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * Undoes a Content-Transfer-Encoding for FETCH BINARY (RFC 3516 §4.2, RFC 9051 §6.4.5): base64 and
 * quoted-printable are decoded, 7bit / 8bit / binary are the identity, anything else is {@code NO
 * [UNKNOWN-CTE]}. Decoding is lenient as RFC 2045 asks of readers: stray characters in base64 are
 * skipped, a malformed {@code =} escape in quoted-printable stays as it is.
 */
final class BinaryDecoder {
  private BinaryDecoder() {}

  /** Decodes {@code data[from, to)} encoded with {@code cte} (case-insensitive). */
  static byte[] decode(byte[] data, int from, int to, String cte) throws ImapException {
    String enc = cte == null ? "7bit" : cte.strip().toLowerCase(Locale.ROOT);
    return switch (enc) {
      case "", "7bit", "8bit", "binary" -> java.util.Arrays.copyOfRange(data, from, Math.max(from, to));
      case "base64" -> base64(data, from, to);
      case "quoted-printable" -> quotedPrintable(data, from, to);
      default -> throw ImapException.no("UNKNOWN-CTE", "Unknown Content-Transfer-Encoding "
          + CommandParser.printable(enc));
    };
  }

  /**
   * RFC 2045 §6.8: characters outside the alphabet (line breaks, blanks) are ignored, and {@code =}
   * ends the data. Bits of an incomplete final quantum are dropped.
   */
  static byte[] base64(byte[] data, int from, int to) {
    ByteArrayOutputStream o = new ByteArrayOutputStream((to - from) * 3 / 4 + 3);
    int acc = 0;
    int bits = 0;
    for (int i = from; i < to; i++) {
      int c = data[i] & 0xff;
      if (c == '=') {
        break;
      }
      int v = sextet(c);
      if (v < 0) {
        continue;
      }
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        o.write((acc >> bits) & 0xff);
      }
    }
    return o.toByteArray();
  }

  private static int sextet(int c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  }

  /**
   * RFC 2045 §6.7: line by line, trailing blanks are removed (rule 3), a line ending in {@code =} is
   * joined to the next (rule 5), every other line break becomes CRLF, {@code =XX} is one octet.
   */
  static byte[] quotedPrintable(byte[] data, int from, int to) {
    ByteArrayOutputStream o = new ByteArrayOutputStream(to - from);
    int i = from;
    while (i < to) {
      int eol = i;
      while (eol < to && data[eol] != '\n') {
        eol++;
      }
      boolean terminated = eol < to;
      int end = eol;
      if (terminated && end > i && data[end - 1] == '\r') {
        end--;
      }
      while (end > i && (data[end - 1] == ' ' || data[end - 1] == '\t')) {
        end--;
      }
      boolean soft = end > i && data[end - 1] == '=';
      if (soft) {
        end--;
      }
      for (int k = i; k < end; k++) {
        byte c = data[k];
        if (c == '=' && k + 2 < end) {
          int hi = Character.digit(data[k + 1], 16);
          int lo = Character.digit(data[k + 2], 16);
          if (hi >= 0 && lo >= 0) {
            o.write(hi * 16 + lo);
            k += 2;
            continue;
          }
        }
        o.write(c);
      }
      if (terminated && !soft) {
        o.write('\r');
        o.write('\n');
      }
      i = eol + 1;
    }
    return o.toByteArray();
  }

  /** Whether {@code data[off, off+len)} holds a NUL, which only a literal8 may carry (RFC 3516 §4.3). */
  static boolean hasNul(byte[] data, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (data[i] == 0) {
        return true;
      }
    }
    return false;
  }
}
