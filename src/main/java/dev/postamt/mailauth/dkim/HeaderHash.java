package dev.postamt.mailauth.dkim;

import dev.postamt.mime.HeaderSection;
import dev.postamt.mime.HeaderSection.Field;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The header half of a DKIM signature (RFC 6376 §3.7, §5.4.2): which fields are signed, the bytes that
 * are hashed, and the RSA / Ed25519 operations on them. Shared by signer and verifier (and ARC, whose
 * AMS and AS use the same construction).
 */
public final class HeaderHash {
  private HeaderHash() {}

  /**
   * Picks the fields named in {@code names}: for each name, the bottom-most instance not yet used; a
   * name with no instance left contributes nothing (over-signing, §5.4.2).
   */
  public static List<Field> select(HeaderSection headers, List<String> names) {
    Map<String, List<Field>> byName = new HashMap<>();
    for (Field f : headers.fields()) {
      byName.computeIfAbsent(f.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(f);
    }
    List<Field> out = new ArrayList<>();
    for (String n : names) {
      List<Field> list = byName.get(n);
      if (list != null && !list.isEmpty()) {
        out.add(list.removeLast());
      }
    }
    return out;
  }

  /** Names listed in h= whose fields occur in the message more often than h= lists them. */
  static List<String> unsignedDuplicates(HeaderSection headers, List<String> names) {
    Map<String, Integer> listed = new HashMap<>();
    for (String n : names) {
      listed.merge(n, 1, Integer::sum);
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Integer> e : listed.entrySet()) {
      if (headers.count(e.getKey()) > e.getValue()) {
        out.add(e.getKey());
      }
    }
    out.sort(null);
    return out;
  }

  /**
   * The bytes to sign: the selected fields canonicalized, then the signature field itself (with b=
   * already emptied by the caller) canonicalized and without its final CRLF (§3.7).
   */
  public static byte[] data(List<Field> signed, Canonicalization c, String signatureFieldWithoutB) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    for (Field f : signed) {
      out.writeBytes(c.header(f.raw()).getBytes(StandardCharsets.ISO_8859_1));
    }
    String sig = c.header(withCrlf(signatureFieldWithoutB));
    out.writeBytes(sig.substring(0, sig.length() - 2).getBytes(StandardCharsets.ISO_8859_1));
    return out.toByteArray();
  }

  private static String withCrlf(String field) {
    return field.endsWith("\r\n") ? field : field + "\r\n";
  }

  /** RSA signs the data itself; Ed25519 signs its SHA-256 hash (RFC 8463 §3). */
  public static byte[] sign(DkimAlgorithm a, PrivateKey key, byte[] data) throws GeneralSecurityException {
    Signature s = instance(a);
    s.initSign(key);
    s.update(a == DkimAlgorithm.ED25519_SHA256 ? sha256(data) : data);
    return s.sign();
  }

  public static boolean verify(DkimAlgorithm a, PublicKey key, byte[] data, byte[] signature) {
    try {
      Signature s = instance(a);
      s.initVerify(key);
      s.update(a == DkimAlgorithm.ED25519_SHA256 ? sha256(data) : data);
      return s.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false; // a malformed signature value is simply a signature that does not verify
    }
  }

  private static Signature instance(DkimAlgorithm a) throws GeneralSecurityException {
    return Signature.getInstance(switch (a) {
      case RSA_SHA1 -> "SHA1withRSA";
      case RSA_SHA256 -> "SHA256withRSA";
      case ED25519_SHA256 -> "Ed25519";
    });
  }

  static byte[] sha256(byte[] data) {
    return digest("SHA-256").digest(data);
  }

  public static MessageDigest digest(String name) {
    try {
      return MessageDigest.getInstance(name);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(name + " missing from the JDK", e);
    }
  }
}
