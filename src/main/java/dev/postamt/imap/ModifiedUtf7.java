package dev.postamt.imap;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Mailbox names in modified UTF-7 (RFC 3501 §5.1.3), the form IMAP4rev1 clients use; the store keeps
 * names in Unicode. Decoding is strict (Dovecot rejects the same inputs), so no two wire names map to
 * one mailbox.
 */
public final class ModifiedUtf7 {
  private ModifiedUtf7() {}

  private static final Base64.Encoder ENC = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder DEC = Base64.getDecoder();

  public static String encode(String s) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c >= 0x20 && c <= 0x7e) {
        out.append(c == '&' ? "&-" : String.valueOf(c));
        i++;
        continue;
      }
      int j = i;
      while (j < s.length() && (s.charAt(j) < 0x20 || s.charAt(j) > 0x7e)) {
        j++;
      }
      byte[] utf16 = s.substring(i, j).getBytes(StandardCharsets.UTF_16BE);
      out.append('&').append(ENC.encodeToString(utf16).replace('/', ',')).append('-');
      i = j;
    }
    return out.toString();
  }

  /** The Unicode name, or null when {@code s} is not valid modified UTF-7. */
  public static String decode(String s) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c > 0x7e) {
        return null;
      }
      if (c != '&') {
        out.append(c);
        i++;
        continue;
      }
      int end = s.indexOf('-', i);
      if (end < 0) {
        return null;
      }
      if (end == i + 1) {
        out.append('&');
        i = end + 1;
        continue;
      }
      String b64 = s.substring(i + 1, end).replace(',', '/');
      if (!b64.matches("[A-Za-z0-9+/]+")) {
        return null;
      }
      byte[] bytes;
      try {
        bytes = DEC.decode(b64);
      } catch (IllegalArgumentException e) {
        return null;
      }
      if (bytes.length % 2 != 0) {
        return null;
      }
      String part = StandardCharsets.UTF_16BE.decode(ByteBuffer.wrap(bytes)).toString();
      for (char p : part.toCharArray()) {
        if (p >= 0x20 && p <= 0x7e) {
          return null; // printable ASCII must not be encoded
        }
      }
      out.append(part);
      i = end + 1;
    }
    String r = out.toString();
    return encode(r).equals(s) ? r : null;
  }
}
