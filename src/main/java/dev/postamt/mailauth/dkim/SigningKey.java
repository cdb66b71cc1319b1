package dev.postamt.mailauth.dkim;

import java.nio.file.Path;
import java.security.PrivateKey;

/**
 * A private key we sign with, and where its public half is published: {@code
 * selector._domainkey.domain}.
 *
 * @param file where it was loaded from, or null for a key made in memory
 */
public record SigningKey(String domain, String selector, DkimAlgorithm algorithm, PrivateKey key, Path file) {
  public SigningKey {
    if (algorithm == DkimAlgorithm.RSA_SHA1) {
      throw new IllegalArgumentException("rsa-sha1 must not be used for signing (RFC 8301)");
    }
  }
}
