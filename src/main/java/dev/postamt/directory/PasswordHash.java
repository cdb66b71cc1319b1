package dev.postamt.directory;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashes in the PHC string format that Dovecot ({@code {ARGON2ID}}), libsodium and
 * the {@code argon2} command line tool read and write:
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, salt and hash in unpadded standard Base64.
 *
 * <p>New hashes use the OWASP Password Storage Cheat Sheet minimum (19 MiB, 2 passes, 1 lane). Stored
 * hashes are verified with the parameters written in them, so raising the cost later keeps old
 * passwords working; {@link #needsRehash} says when a hash should be replaced.
 */
public final class PasswordHash {
  public static final int MEMORY_KIB = 19456;
  public static final int ITERATIONS = 2;
  public static final int PARALLELISM = 1;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;

  private static final Pattern PHC =
      Pattern.compile(
          "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,})\\$([A-Za-z0-9+/]{16,})");
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();
  private static final SecureRandom RANDOM = new SecureRandom();

  private PasswordHash() {}

  /** A fresh hash of {@code password} with a random salt. */
  public static String hash(char[] password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] out = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
    return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM
        + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
  }

  /**
   * Whether {@code password} matches {@code phc}. A malformed stored string never matches (and is not
   * an error: a hand-edited database must not let anyone in). The comparison is constant-time.
   */
  public static boolean verify(char[] password, String phc) {
    Matcher m = phc == null ? null : PHC.matcher(phc);
    if (m == null || !m.matches()) {
      return false;
    }
    int memory = Integer.parseInt(m.group(1));
    int iterations = Integer.parseInt(m.group(2));
    int parallelism = Integer.parseInt(m.group(3));
    // Refuse absurd costs: a stored string must not be able to make one login take a gigabyte.
    if (memory < 8 * parallelism || memory > 1 << 20 || iterations < 1 || parallelism < 1) {
      return false;
    }
    byte[] salt;
    byte[] expected;
    try {
      salt = B64D.decode(m.group(4));
      expected = B64D.decode(m.group(5));
    } catch (IllegalArgumentException e) {
      return false;
    }
    byte[] actual = derive(password, salt, memory, iterations, parallelism, expected.length);
    return MessageDigest.isEqual(actual, expected);
  }

  /** Burns the same time as a real check; used when the user does not exist, against user probing. */
  static void verifyDummy(char[] password) {
    derive(password, new byte[SALT_BYTES], MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
  }

  /** Whether {@code phc} is an Argon2id PHC string that {@link #verify} can check. */
  public static boolean isWellFormed(String phc) {
    Matcher m = phc == null ? null : PHC.matcher(phc);
    if (m == null || !m.matches()) {
      return false;
    }
    try {
      B64D.decode(m.group(4));
      B64D.decode(m.group(5));
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether {@code phc} was made with weaker parameters than new hashes get. */
  public static boolean needsRehash(String phc) {
    Matcher m = phc == null ? null : PHC.matcher(phc);
    return m == null
        || !m.matches()
        || Integer.parseInt(m.group(1)) < MEMORY_KIB
        || Integer.parseInt(m.group(2)) < ITERATIONS;
  }

  private static byte[] derive(char[] password, byte[] salt, int memory, int iterations, int lanes, int len) {
    byte[] pw = utf8(password);
    try {
      return Argon2id.hash(pw, salt, memory, iterations, lanes, len);
    } finally {
      Arrays.fill(pw, (byte) 0);
    }
  }

  /** UTF-8 without an intermediate String, so the caller can wipe the password afterwards. */
  private static byte[] utf8(char[] password) {
    ByteBuffer buf = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] b = new byte[buf.remaining()];
    buf.get(b);
    if (buf.hasArray()) {
      Arrays.fill(buf.array(), (byte) 0);
    }
    return b;
  }
}
