package dev.postamt.collect;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The remote accounts' passwords, encrypted with AES-256-GCM (NIST SP 800-38D) under the server key
 * {@code data_dir/collect/secret.key}: 32 random bytes, created with mode 0600 on first use. A sealed
 * password is a fresh 12-byte nonce followed by the ciphertext and its 16-byte tag; the owner's address
 * is the associated data, so a sealed password copied to another user's row does not open. Losing the
 * key file loses the stored passwords (each account must be added again), never mail.
 */
final class SecretBox {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int NONCE = 12;

  private final SecretKeySpec key;

  private SecretBox(byte[] key) {
    this.key = new SecretKeySpec(key, "AES");
  }

  /** The key of {@code data_dir/collect/secret.key}, made when missing. */
  static SecretBox open(Path dataDir) throws IOException {
    Path file = dataDir.resolve("collect").resolve("secret.key");
    Files.createDirectories(file.getParent());
    if (!Files.exists(file)) {
      byte[] k = new byte[32];
      RANDOM.nextBytes(k);
      Path tmp = file.resolveSibling("secret.key." + ProcessHandle.current().pid() + ".tmp");
      Files.deleteIfExists(tmp);
      try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        ch.write(ByteBuffer.wrap(k));
        ch.force(true);
      }
      try {
        // a link, not a rename: when two processes race, the first key stays and the other reads it
        Files.createLink(file, tmp);
      } catch (FileAlreadyExistsException raced) {
        // the other one's key
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    byte[] k = Files.readAllBytes(file);
    if (k.length != 32) {
      throw new IOException(file + " is not a collect key (32 bytes); remove it and add the accounts again");
    }
    return new SecretBox(k);
  }

  byte[] seal(String owner, String secret) {
    try {
      byte[] nonce = new byte[NONCE];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      c.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
      byte[] ct = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      byte[] out = Arrays.copyOf(nonce, NONCE + ct.length);
      System.arraycopy(ct, 0, out, NONCE, ct.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  /** The password, or an IOException when the key does not open it (another key file, a changed row). */
  String open(String owner, byte[] sealed) throws IOException {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, NONCE));
      c.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
      return new String(c.doFinal(sealed, NONCE, sealed.length - NONCE), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("the stored password cannot be decrypted with data_dir/collect/secret.key;"
          + " remove the account and add it again", e);
    }
  }
}
