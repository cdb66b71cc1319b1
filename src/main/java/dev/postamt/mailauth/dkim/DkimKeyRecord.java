package dev.postamt.mailauth.dkim;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A DKIM public key record from DNS (RFC 6376 §3.6.1, RFC 8463 §4.2), parsed and its key decoded.
 *
 * @param hashes the h= list, lower-cased; empty means every hash is acceptable
 * @param testing t=y: the domain is testing DKIM (results are reported, RFC 6376 §3.6.1)
 * @param strictIdentity t=s: i= must use exactly d=, not a subdomain
 */
public record DkimKeyRecord(
    String keyType, PublicKey key, int bits, List<String> hashes, boolean testing, boolean strictIdentity) {

  /** A record that cannot be used; the message explains why. */
  public static class InvalidException extends Exception {
    public InvalidException(String message) {
      super(message);
    }
  }

  /** Thrown for a key that the record has revoked (empty p=, §3.6.1). */
  public static final class RevokedException extends InvalidException {
    public RevokedException() {
      super("key revoked (empty p=)");
    }
  }

  // DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the record holds just the 32 raw bytes.
  private static final byte[] ED25519_SPKI = HexFormat.of().parseHex("302a300506032b6570032100");

  public static DkimKeyRecord parse(String text) throws InvalidException {
    TagList t;
    try {
      t = TagList.parse(text);
    } catch (TagList.SyntaxException e) {
      throw new InvalidException("key record syntax: " + e.getMessage());
    }
    if (t.has("v")) {
      // §3.6.1: v= is optional, but if present it must be first and be DKIM1.
      if (!t.names().getFirst().equals("v") || !t.get("v").orElseThrow().equals("DKIM1")) {
        throw new InvalidException("key record has bad v=" + t.get("v").orElseThrow());
      }
    }
    String k = t.get("k").orElse("rsa").toLowerCase(Locale.ROOT);
    if (!k.equals("rsa") && !k.equals("ed25519")) {
      throw new InvalidException("unknown key type k=" + k);
    }
    if (t.has("s")) {
      boolean email = false;
      for (String s : t.get("s").orElseThrow().split(":")) {
        String v = TagList.withoutWhiteSpace(s);
        email |= v.equals("*") || v.equalsIgnoreCase("email");
      }
      if (!email) {
        throw new InvalidException("key not for email (s=" + t.get("s").orElseThrow() + ")");
      }
    }
    List<String> hashes = new ArrayList<>();
    if (t.has("h")) {
      for (String h : t.get("h").orElseThrow().split(":")) {
        hashes.add(TagList.withoutWhiteSpace(h).toLowerCase(Locale.ROOT));
      }
    }
    boolean testing = false;
    boolean strict = false;
    for (String f : t.get("t").orElse("").split(":")) {
      String v = TagList.withoutWhiteSpace(f).toLowerCase(Locale.ROOT);
      testing |= v.equals("y");
      strict |= v.equals("s");
    }
    if (!t.has("p")) {
      throw new InvalidException("key record has no p=");
    }
    String p = TagList.withoutWhiteSpace(t.get("p").orElseThrow());
    if (p.isEmpty()) {
      throw new RevokedException();
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(p);
    } catch (IllegalArgumentException e) {
      throw new InvalidException("bad base64 in p=");
    }
    PublicKey key;
    int bits;
    try {
      if (k.equals("ed25519")) {
        if (der.length != 32) {
          throw new InvalidException("ed25519 key must be 32 bytes, not " + der.length);
        }
        byte[] spki = new byte[ED25519_SPKI.length + 32];
        System.arraycopy(ED25519_SPKI, 0, spki, 0, ED25519_SPKI.length);
        System.arraycopy(der, 0, spki, ED25519_SPKI.length, 32);
        key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        bits = 256;
      } else {
        key = rsaKey(der);
        bits = ((RSAPublicKey) key).getModulus().bitLength();
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new InvalidException("unusable " + k + " key in p=");
    }
    return new DkimKeyRecord(k, key, bits, List.copyOf(hashes), testing, strict);
  }

  /**
   * RFC 6376 publishes a SubjectPublicKeyInfo; a few signers publish the bare PKCS#1 RSAPublicKey
   * instead, which other verifiers accept too, so it is wrapped and tried second.
   */
  private static PublicKey rsaKey(byte[] der) throws GeneralSecurityException {
    KeyFactory kf = KeyFactory.getInstance("RSA");
    try {
      return kf.generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      byte[] algId = HexFormat.of().parseHex("300d06092a864886f70d0101010500");
      byte[] bitString = concat(new byte[] {0x03}, length(der.length + 1), new byte[] {0}, der);
      byte[] spki = concat(new byte[] {0x30}, length(algId.length + bitString.length), algId, bitString);
      PublicKey k = kf.generatePublic(new X509EncodedKeySpec(spki));
      if (((RSAPublicKey) k).getModulus().signum() <= 0) {
        throw e;
      }
      return k;
    }
  }

  private static byte[] length(int n) {
    if (n < 0x80) {
      return new byte[] {(byte) n};
    }
    byte[] v = BigInteger.valueOf(n).toByteArray();
    int skip = v[0] == 0 ? 1 : 0;
    byte[] out = new byte[v.length - skip + 1];
    out[0] = (byte) (0x80 | (v.length - skip));
    System.arraycopy(v, skip, out, 1, v.length - skip);
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  /** Whether h= permits the signature's hash. */
  public boolean allows(DkimAlgorithm a) {
    return hashes.isEmpty() || hashes.contains(a.hashName());
  }
}
