package dev.postamt.directory;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps, six
 * digits — what every authenticator app speaks. A code is accepted for the current step and one step
 * either side (RFC 6238 §5.2 allows for clock drift).
 */
public final class Totp {
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final long STEP_SECONDS = 30;

  private Totp() {}

  /** A new random secret: 160 bits (RFC 4226 §4 recommends at least that), base32 without padding. */
  public static String newSecret() {
    byte[] key = new byte[20];
    new SecureRandom().nextBytes(key);
    return encodeBase32(key);
  }

  /** The {@code otpauth://} URI authenticator apps read from a QR code or paste. */
  public static String uri(String issuer, String account, String secret) {
    String label = URLEncoder.encode(issuer + ":" + account, StandardCharsets.UTF_8).replace("+", "%20");
    return "otpauth://totp/" + label + "?secret=" + secret + "&issuer="
        + URLEncoder.encode(issuer, StandardCharsets.UTF_8).replace("+", "%20") + "&algorithm=SHA1&digits=6&period=30";
  }

  /** Whether {@code code} is right for {@code secret} at {@code now} (one step of drift either way). */
  public static boolean verify(String secret, String code, Instant now) {
    Optional<byte[]> key = decodeBase32(secret);
    if (key.isEmpty() || code == null) {
      return false;
    }
    String c = code.replace(" ", "");
    if (!c.matches("[0-9]{6}")) {
      return false;
    }
    long step = Math.floorDiv(now.getEpochSecond(), STEP_SECONDS);
    boolean ok = false;
    for (long s = step - 1; s <= step + 1; s++) {
      ok |= MessageDigest.isEqual(code(key.get(), s).getBytes(StandardCharsets.US_ASCII), c.getBytes(StandardCharsets.US_ASCII));
    }
    return ok;
  }

  /** The six-digit code of {@code secret} at {@code now}. */
  public static String code(String secret, Instant now) {
    return code(decodeBase32(secret).orElseThrow(() -> new IllegalArgumentException("not base32")),
        Math.floorDiv(now.getEpochSecond(), STEP_SECONDS));
  }

  /** RFC 4226 §5.3: HMAC-SHA1 of the counter, dynamic truncation, modulo 10^6. */
  static String code(byte[] key, long counter) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      byte[] h = mac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(counter).array());
      int off = h[h.length - 1] & 0x0f;
      int bin = ((h[off] & 0x7f) << 24) | ((h[off + 1] & 0xff) << 16) | ((h[off + 2] & 0xff) << 8) | (h[off + 3] & 0xff);
      return String.format(Locale.ROOT, "%06d", bin % 1_000_000);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String encodeBase32(byte[] data) {
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(BASE32.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }

  /** RFC 4648 base32, letter case, spaces and padding ignored; empty when it is not base32. */
  public static Optional<byte[]> decodeBase32(String s) {
    if (s == null) {
      return Optional.empty();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int buffer = 0;
    int bits = 0;
    int n = 0;
    for (char ch : s.toUpperCase(Locale.ROOT).toCharArray()) {
      if (ch == ' ' || ch == '=') {
        continue;
      }
      int v = BASE32.indexOf(ch);
      if (v < 0) {
        return Optional.empty();
      }
      n++;
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out.write((buffer >> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return n == 0 ? Optional.empty() : Optional.of(out.toByteArray());
  }
}
