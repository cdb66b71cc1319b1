package dev.postamt.mailauth.dkim;

import java.util.List;
import java.util.Locale;

/**
 * The outcome for one DKIM signature, with what Authentication-Results (RFC 8601 §2.7.1) and DMARC
 * need. Fields other than {@code status} and {@code reason} are null when the signature was too broken
 * to tell them.
 *
 * @param headerB the start of b=, long enough to tell this signature from the others (RFC 6008)
 * @param keyBits size of the key that verified, 0 when no key was used
 * @param testing the key record has t=y: the signer is testing, a failure must not be held against it
 * @param bodyLengthLimited l= was used and the body has more than was signed: content may have been
 *     appended by someone else; later stages may treat such a pass as weaker
 * @param unsignedDuplicates header names in h= that occur in the message more often than they were
 *     signed (e.g. a second From added above the signed one)
 */
public record DkimResult(
    Status status,
    String reason,
    String domain,
    String selector,
    String algorithm,
    String identity,
    String headerB,
    int keyBits,
    boolean testing,
    boolean bodyLengthLimited,
    List<String> unsignedDuplicates) {

  public enum Status {
    PASS,
    FAIL,
    /** The signature has syntax errors or uses something we do not know, so it could not be checked. */
    NEUTRAL,
    /** Cryptographically fine, but refused by policy (rsa-sha1, weak key; RFC 8301). */
    POLICY,
    TEMPERROR,
    PERMERROR;

    /** The result keyword for Authentication-Results. */
    public String token() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public boolean passed() {
    return status == Status.PASS;
  }

  /** A pass that a cautious policy may discount: partially signed body or unsigned extra From. */
  public boolean weak() {
    return bodyLengthLimited || unsignedDuplicates.contains("from");
  }

  DkimResult withHeaderB(String b) {
    return new DkimResult(
        status, reason, domain, selector, algorithm, identity, b, keyBits, testing, bodyLengthLimited,
        unsignedDuplicates);
  }

  /**
   * This result as a resinfo for Authentication-Results, e.g. {@code dkim=pass (2048-bit rsa key)
   * header.d=example.com header.i=@example.com header.s=sel header.a=rsa-sha256 header.b="AbCd1234"}.
   * Comments carry the reason for anything but a pass.
   */
  public String authResults() {
    StringBuilder sb = new StringBuilder("dkim=").append(status.token());
    StringBuilder comment = new StringBuilder();
    if (status == Status.PASS && keyBits > 0) {
      comment.append(keyBits).append("-bit key");
    } else if (reason != null && !reason.isEmpty()) {
      comment.append(reason);
    }
    if (testing) {
      comment.append(comment.isEmpty() ? "" : "; ").append("testing key");
    }
    if (bodyLengthLimited) {
      comment.append(comment.isEmpty() ? "" : "; ").append("l= signs only part of the body");
    }
    if (!comment.isEmpty()) {
      sb.append(" (").append(comment.toString().replace('(', '[').replace(')', ']').replace('\\', '/')).append(')');
    }
    if (domain != null) {
      sb.append(" header.d=").append(domain);
    }
    if (identity != null && isAtom(identity)) {
      sb.append(" header.i=").append(identity);
    }
    if (selector != null) {
      sb.append(" header.s=").append(selector);
    }
    if (algorithm != null) {
      sb.append(" header.a=").append(algorithm);
    }
    if (headerB != null) {
      sb.append(" header.b=\"").append(headerB).append('"'); // base64 holds '/', '+', '=': quote
    }
    return sb.toString();
  }

  private static boolean isAtom(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c >= 0x7f || "()<>,;:\\\"[]".indexOf(c) >= 0) {
        return false;
      }
    }
    return !s.isEmpty();
  }

  /** The resinfo for a message without signatures. */
  public static String noneAuthResults() {
    return "dkim=none";
  }
}
