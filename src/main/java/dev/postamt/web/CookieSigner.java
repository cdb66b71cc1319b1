package dev.postamt.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs session cookies with HMAC-SHA-256 under a key kept in {@code data_dir/web/cookie.key} (created
 * readable by its owner only): a forged or altered cookie is refused before any lookup. The value is
 * {@code ID.SIGNATURE}, both base64url.
 */
final class CookieSigner {
  private final SecretKeySpec key;

  private CookieSigner(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  /** The signer with the key in {@code file}, creating a random one when missing. */
  static CookieSigner open(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (!Files.exists(file)) {
      byte[] k = new byte[32];
      new SecureRandom().nextBytes(k);
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.write(tmp, Base64.getEncoder().encode(k), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.SYNC);
      try {
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException raced) {
        Files.deleteIfExists(tmp); // another process wrote one first: use theirs
      }
    }
    byte[] k;
    try {
      k = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " is not a base64 key; delete it to make a new one (everyone is logged out)");
    }
    if (k.length < 16) {
      throw new IOException(file + " holds a key shorter than 128 bits; delete it to make a new one");
    }
    return new CookieSigner(k);
  }

  static CookieSigner withKey(byte[] key) {
    return new CookieSigner(key.clone());
  }

  String sign(String id) {
    return id + "." + mac(id);
  }

  /** The id of a correctly signed value, or empty. */
  Optional<String> verify(String value) {
    if (value == null || value.length() > 200) {
      return Optional.empty();
    }
    int dot = value.lastIndexOf('.');
    if (dot <= 0) {
      return Optional.empty();
    }
    String id = value.substring(0, dot);
    byte[] want = mac(id).getBytes(StandardCharsets.US_ASCII);
    byte[] got = value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(want, got) ? Optional.of(id) : Optional.empty();
  }

  private String mac(String id) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(m.doFinal(id.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
