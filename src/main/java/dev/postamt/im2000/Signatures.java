package dev.postamt.im2000;

import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import dev.postamt.mailauth.dkim.DkimAlgorithm;
import dev.postamt.mailauth.dkim.DkimKeyRecord;
import dev.postamt.mailauth.dkim.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code IM2000-Signature} HTTP header: a DKIM-style signature (RFC 6376 keys and DNS records, its
 * tag=value syntax) over one request, made with the sending domain's DKIM key and checked against the
 * public key at {@code s._domainkey.d}:
 *
 * <pre>IM2000-Signature: v=1; d=a.test; s=sel; a=ed25519-sha256; bh=BASE64(SHA-256(body)); b=BASE64(sig)</pre>
 *
 * The signed bytes are the header value with {@code b=} empty, a LF, then the request line's method and
 * target ({@code POST /im2000/notify}); so a signature cannot be moved to another request or body. There
 * is no time stamp: every request it authorises is idempotent (a notification is taken once per id, a
 * confirmation or feed request may be repeated), so a replay gains nothing.
 */
final class Signatures {
  static final String HEADER = "IM2000-Signature";

  private Signatures() {}

  /** The signature was missing, malformed, or does not verify; the message says which. */
  static final class Invalid extends Exception {
    Invalid(String message) {
      super(message);
    }
  }

  /** The header value signing {@code method target} with {@code body}. */
  static String sign(SigningKey key, String method, String target, byte[] body) {
    String unsigned = "v=1; d=" + key.domain() + "; s=" + key.selector() + "; a=" + key.algorithm().tag() + "; bh="
        + Base64.getEncoder().encodeToString(sha256(body)) + "; b=";
    try {
      Signature s = Signature.getInstance(jca(key.algorithm()));
      s.initSign(key.key());
      s.update(signedBytes(unsigned, method, target));
      return unsigned + Base64.getEncoder().encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with " + key.file() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks a header value against the request; returns the signing domain ({@code d=}, lower case).
   *
   * @throws Invalid when it does not verify (or DNS has no usable key)
   */
  static String verify(Resolver dns, String header, String method, String target, byte[] body) throws Invalid {
    if (header == null || header.isBlank()) {
      throw new Invalid("no " + HEADER + " header");
    }
    Map<String, String> tags = new LinkedHashMap<>();
    for (String part : header.split(";")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new Invalid("malformed tag \"" + part.strip() + "\"");
      }
      tags.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
    }
    for (String t : new String[] {"v", "d", "s", "a", "bh", "b"}) {
      if (!tags.containsKey(t)) {
        throw new Invalid("tag " + t + "= missing");
      }
    }
    if (!tags.get("v").equals("1")) {
      throw new Invalid("unknown version v=" + tags.get("v"));
    }
    String d = tags.get("d").toLowerCase(Locale.ROOT);
    String sel = tags.get("s").toLowerCase(Locale.ROOT);
    if (!d.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?") || !sel.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
      throw new Invalid("bad d= or s=");
    }
    DkimAlgorithm alg = DkimAlgorithm.parse(tags.get("a"));
    if (alg == null || alg == DkimAlgorithm.RSA_SHA1) {
      throw new Invalid("unsupported a=" + tags.get("a"));
    }
    byte[] bh;
    byte[] sig;
    try {
      bh = Base64.getDecoder().decode(tags.get("bh"));
      sig = Base64.getDecoder().decode(tags.get("b"));
    } catch (IllegalArgumentException e) {
      throw new Invalid("bh= or b= is not base64");
    }
    if (!MessageDigest.isEqual(bh, sha256(body))) {
      throw new Invalid("body hash does not match (bh=)");
    }
    DkimKeyRecord key = key(dns, sel + "._domainkey." + d);
    if (!key.keyType().equals(alg.keyType()) || !key.allows(alg)) {
      throw new Invalid("the key at " + sel + "._domainkey." + d + " is not for " + alg.tag());
    }
    String unsigned = header.substring(0, header.lastIndexOf("b=") + 2);
    if (!unsigned.endsWith("; b=") && !unsigned.endsWith(";b=")) {
      throw new Invalid("b= must be the last tag");
    }
    try {
      Signature s = Signature.getInstance(jca(alg));
      s.initVerify(key.key());
      s.update(signedBytes(unsigned, method, target));
      if (!s.verify(sig)) {
        throw new Invalid("signature does not verify with " + sel + "._domainkey." + d);
      }
    } catch (GeneralSecurityException e) {
      throw new Invalid("signature does not verify: " + e.getMessage());
    }
    return d;
  }

  private static DkimKeyRecord key(Resolver dns, String name) throws Invalid {
    DnsResult<String> txt = dns.txt(name);
    if (txt.status() == DnsResult.Status.TEMPFAIL) {
      throw new Invalid("DNS lookup of " + name + " failed");
    }
    if (txt.records().isEmpty()) {
      throw new Invalid("no key at " + name);
    }
    try {
      return DkimKeyRecord.parse(String.join("", txt.records().getFirst()));
    } catch (DkimKeyRecord.InvalidException e) {
      throw new Invalid("key at " + name + ": " + e.getMessage());
    }
  }

  private static byte[] signedBytes(String unsigned, String method, String target) {
    return (unsigned + "\n" + method + " " + target).getBytes(StandardCharsets.UTF_8);
  }

  private static String jca(DkimAlgorithm a) {
    return a == DkimAlgorithm.ED25519_SHA256 ? "Ed25519" : "SHA256withRSA";
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
