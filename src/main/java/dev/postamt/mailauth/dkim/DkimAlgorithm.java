package dev.postamt.mailauth.dkim;

import java.util.Locale;

/** Signing algorithms (a=). rsa-sha1 is parsed so it can be reported, but never passes (RFC 8301 §3.1). */
public enum DkimAlgorithm {
  RSA_SHA1("rsa-sha1", "rsa", "SHA-1"),
  RSA_SHA256("rsa-sha256", "rsa", "SHA-256"),
  ED25519_SHA256("ed25519-sha256", "ed25519", "SHA-256");

  private final String tag;
  private final String keyType;
  private final String digest;

  DkimAlgorithm(String tag, String keyType, String digest) {
    this.tag = tag;
    this.keyType = keyType;
    this.digest = digest;
  }

  public static DkimAlgorithm parse(String s) {
    String l = s.toLowerCase(Locale.ROOT);
    for (DkimAlgorithm a : values()) {
      if (a.tag.equals(l)) {
        return a;
      }
    }
    return null;
  }

  /** As written in a=. */
  public String tag() {
    return tag;
  }

  /** The k= value of a matching key record. */
  public String keyType() {
    return keyType;
  }

  /** The JCA digest name. */
  public String digest() {
    return digest;
  }

  /** The hash name as listed in a key record's h= tag. */
  public String hashName() {
    return this == RSA_SHA1 ? "sha1" : "sha256";
  }
}
