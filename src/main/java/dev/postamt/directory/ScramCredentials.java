package dev.postamt.directory;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a server keeps to check SCRAM-SHA-256 (RFC 5802, RFC 7677) without the password: salt,
 * iteration count, StoredKey and ServerKey. Stored as {@code i$salt$storedKey$serverKey} (base64).
 * They are derived when a password is set, and when a user first logs in with a plain password after
 * being added with only a hash.
 */
public record ScramCredentials(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
  /** RFC 7677 §4 asks for at least 4096. */
  public static final int ITERATIONS = 4096;

  private static final SecureRandom RANDOM = new SecureRandom();

  public static ScramCredentials derive(char[] password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return derive(password, salt, ITERATIONS);
  }

  public static ScramCredentials derive(char[] password, byte[] salt, int iterations) {
    byte[] salted = saltedPassword(password, salt, iterations);
    byte[] clientKey = hmac(salted, "Client Key");
    return new ScramCredentials(iterations, salt.clone(), sha256(clientKey), hmac(salted, "Server Key"));
  }

  /**
   * Hi() of RFC 5802 §2.2 with HMAC-SHA-256, i.e. PBKDF2. The password is normalised as SASLprep
   * (RFC 4013) mostly amounts to for real passwords: NFKC; passwords that SASLprep would refuse are
   * rare and still work here because both sides derive from the same string.
   */
  public static byte[] saltedPassword(char[] password, byte[] salt, int iterations) {
    String normalized = Normalizer.normalize(new String(password), Normalizer.Form.NFKC);
    try {
      SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
      return f.generateSecret(new PBEKeySpec(normalized.toCharArray(), salt, iterations, 256)).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
    }
  }

  public static byte[] hmac(byte[] key, String text) {
    return hmac(key, text.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public String encode() {
    Base64.Encoder b = Base64.getEncoder();
    return iterations + "$" + b.encodeToString(salt) + "$" + b.encodeToString(storedKey) + "$" + b.encodeToString(serverKey);
  }

  /** Null when {@code s} is not in the stored form. */
  public static ScramCredentials decode(String s) {
    if (s == null) {
      return null;
    }
    String[] p = s.split("\\$");
    if (p.length != 4) {
      return null;
    }
    try {
      Base64.Decoder d = Base64.getDecoder();
      return new ScramCredentials(Integer.parseInt(p[0]), d.decode(p[1]), d.decode(p[2]), d.decode(p[3]));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
