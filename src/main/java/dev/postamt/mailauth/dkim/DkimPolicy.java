package dev.postamt.mailauth.dkim;

import java.time.Duration;

/**
 * What the verifier accepts beyond what the signature itself proves. The defaults follow RFC 8301:
 * rsa-sha1 never passes and RSA keys under 1024 bits are refused; such signatures come out as
 * {@link DkimResult.Status#POLICY} when their cryptography is otherwise sound, so a later stage can tell
 * "weak" from "forged".
 *
 * @param minRsaBits smallest acceptable RSA modulus
 * @param allowSha1 accept rsa-sha1 (only for replaying old corpora; never in production)
 * @param futureSkew how far in the future t= may lie before the signature is refused
 * @param maxSignatures signatures beyond this many are not evaluated (each costs a DNS query)
 * @param acceptDrafts read pre-RFC draft signatures (no v= or v=0.5, with bh=) as v=1
 */
public record DkimPolicy(
    int minRsaBits, boolean allowSha1, Duration futureSkew, int maxSignatures, boolean acceptDrafts) {
  public static final DkimPolicy DEFAULT = new DkimPolicy(1024, false, Duration.ofHours(1), 10, false);

  /** The rules before RFC 8301, for replaying corpora made then: sha1, 512-bit keys and drafts accepted. */
  public static final DkimPolicy LEGACY = new DkimPolicy(512, true, Duration.ofDays(36500), 10, true);
}
