package dev.postamt.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** SASL PLAIN (RFC 4616) and LOGIN decoding for AUTH. */
final class Sasl {
  /**
   * The longest response line in an AUTH exchange, whatever {@code limits.line_length} says: RFC 4954
   * §4 asks servers to take 12288 octets, and nothing longer is needed (Postfix reads as much).
   */
  static final int MAX_RESPONSE = 12 * 1024;

  private Sasl() {}

  record Plain(String user, String password) {}

  static byte[] decode(String b64) throws SmtpException {
    if (b64.equals("=")) {
      return new byte[0]; // RFC 4954 §4: "=" is an empty initial response
    }
    try {
      return Base64.getDecoder().decode(b64.trim());
    } catch (IllegalArgumentException e) {
      throw new SmtpException(501, "5.5.2", "Cannot decode response");
    }
  }

  /** authzid NUL authcid NUL passwd; an authzid other than the authcid is refused (no proxy login). */
  static Plain plain(byte[] resp) throws SmtpException {
    String s = new String(resp, StandardCharsets.UTF_8);
    String[] p = s.split("\0", -1);
    if (p.length != 3 || p[1].isEmpty()) {
      throw new SmtpException(501, "5.5.2", "Bad PLAIN response");
    }
    if (!p[0].isEmpty() && !p[0].equalsIgnoreCase(p[1])) {
      throw new SmtpException(SmtpReply.AUTH_FAILED);
    }
    return new Plain(p[1], p[2]);
  }
}
