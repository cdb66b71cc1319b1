package dev.postamt.acme;

import dev.postamt.jmap.json.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON Web Signatures as ACME uses them (RFC 8555 §6.2, RFC 7515 flattened JSON serialization) with the
 * account's EC P-256 key: ES256 (RFC 7518 §3.4, the signature as the 64-byte R‖S, which the JDK's
 * {@code SHA256withECDSAinP1363Format} gives), the public key as a JWK (RFC 7517) and its thumbprint
 * (RFC 7638) for key authorizations.
 */
final class Jws {
  private final KeyPair account;

  Jws(KeyPair account) {
    this.account = account;
  }

  static KeyPair newAccountKey() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static String b64(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** A coordinate as the fixed 32 bytes RFC 7518 §6.2.1.2 asks for. */
  private static String coordinate(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, out, 32 - n, n);
    return b64(out);
  }

  /** The public key as a JWK, members in the lexicographic order RFC 7638 §3.2 hashes them in. */
  Map<String, Object> jwk() {
    ECPublicKey k = (ECPublicKey) account.getPublic();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("crv", "P-256");
    m.put("kty", "EC");
    m.put("x", coordinate(k.getW().getAffineX()));
    m.put("y", coordinate(k.getW().getAffineY()));
    return m;
  }

  /** RFC 7638 thumbprint: base64url(SHA-256(the JWK's required members, no white space)). */
  String thumbprint() {
    try {
      return b64(MessageDigest.getInstance("SHA-256").digest(Json.write(jwk()).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The key authorization of an http-01 token (RFC 8555 §8.1). */
  String keyAuthorization(String token) {
    return token + "." + thumbprint();
  }

  /**
   * A signed request body.
   *
   * @param kid the account URL, or null to send the JWK instead (newAccount, §6.2)
   * @param payload the JSON payload, or null for POST-as-GET (an empty payload, §6.3)
   */
  byte[] sign(String url, String nonce, String kid, Object payload) throws GeneralSecurityException {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", "ES256");
    header.put("nonce", nonce);
    header.put("url", url);
    if (kid == null) {
      header.put("jwk", jwk());
    } else {
      header.put("kid", kid);
    }
    String protectedPart = b64(Json.write(header).getBytes(StandardCharsets.UTF_8));
    String payloadPart = payload == null ? "" : b64(Json.write(payload).getBytes(StandardCharsets.UTF_8));
    Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
    s.initSign(account.getPrivate());
    s.update((protectedPart + "." + payloadPart).getBytes(StandardCharsets.US_ASCII));
    byte[] sig = s.sign();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("protected", protectedPart);
    body.put("payload", payloadPart);
    body.put("signature", b64(sig.length == 64 ? sig : Arrays.copyOf(sig, 64)));
    return Json.write(body).getBytes(StandardCharsets.UTF_8);
  }
}
