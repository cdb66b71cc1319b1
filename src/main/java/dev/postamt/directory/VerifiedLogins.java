package dev.postamt.directory;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A cache of recent successful password checks, as Dovecot's {@code auth_cache}: Argon2id is made to be
 * slow, and mail clients log in often (several connections each, reconnects), so checking the same right
 * password again within {@code ttl} skips the Argon2 run.
 *
 * <p>What is kept per user is not the password but an HMAC-SHA-256, under a random key that lives only
 * in this process, of the user, the stored hash and the password. An entry therefore matches only the
 * same password against the same stored hash: a password change (a new hash, also when made by the CLI
 * in another process) or a wrong password misses and goes through Argon2 as before. Failures are never
 * cached, so a guesser gains nothing; a hit is faster than a miss only for the right password, which
 * tells the one who sent it nothing new. At most {@code capacity} users are remembered (oldest first
 * out).
 */
final class VerifiedLogins {
  static final VerifiedLogins OFF = new VerifiedLogins(Duration.ZERO, 0);

  private record Cached(byte[] mac, long expiresNanos) {}

  private final long ttlNanos;
  private final int capacity;
  private final LinkedHashMap<String, Cached> entries;

  VerifiedLogins(Duration ttl, int capacity) {
    this.ttlNanos = ttl.toNanos();
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
        return size() > VerifiedLogins.this.capacity;
      }
    };
  }

  /** Whether {@code password} was verified against {@code storedHash} for {@code user} within the TTL. */
  boolean matches(String user, String storedHash, char[] password) {
    if (capacity == 0) {
      return false;
    }
    Cached e;
    synchronized (entries) {
      e = entries.get(user);
    }
    if (e == null || System.nanoTime() - e.expiresNanos > 0) {
      return false;
    }
    return MessageDigest.isEqual(e.mac, mac(user, storedHash, password));
  }

  /** Records a successful Argon2 check. */
  void remember(String user, String storedHash, char[] password) {
    if (capacity == 0) {
      return;
    }
    Cached e = new Cached(mac(user, storedHash, password), System.nanoTime() + ttlNanos);
    synchronized (entries) {
      entries.remove(user); // re-insert: insertion order is expiry order
      entries.put(user, e);
    }
  }

  /**
   * The process's key, made at the first check, not with the directory at start (a process's first
   * SecureRandom sets up the JDK's security providers, ~30 ms; issue 27).
   */
  private static final class Key {
    static final SecretKeySpec KEY = make();

    private static SecretKeySpec make() {
      byte[] b = new byte[32];
      new SecureRandom().nextBytes(b);
      return new SecretKeySpec(b, "HmacSHA256");
    }
  }

  private byte[] mac(String user, String storedHash, char[] password) {
    ByteBuffer pw = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] pwBytes = new byte[pw.remaining()];
    pw.get(pwBytes);
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(Key.KEY);
      m.update(user.getBytes(StandardCharsets.UTF_8));
      m.update((byte) 0);
      m.update(storedHash.getBytes(StandardCharsets.UTF_8));
      m.update((byte) 0);
      m.update(pwBytes);
      return m.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    } finally {
      Arrays.fill(pwBytes, (byte) 0);
      if (pw.hasArray()) {
        Arrays.fill(pw.array(), (byte) 0);
      }
    }
  }
}
