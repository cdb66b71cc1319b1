/**
 * ARC, Authenticated Received Chain (RFC 8617): validating the chain a message arrives with ({@link
 * dev.postamt.mailauth.arc.ArcVerifier}, cv = none / pass / fail) and adding our set when we pass a
 * message on ({@link dev.postamt.mailauth.arc.ArcSealer}), signed with the domain's DKIM keys.
 *
 * <p>Signatures use the DKIM machinery of {@code mailauth.dkim} and its key rules (no rsa-sha1, RSA at
 * least 1024 bits). The ARC-Seal of a failed chain covers only its own set (§5.1.2); no set is added
 * above a seal that already says cv=fail, or beyond 50 sets.
 *
 * <p>Failure behaviour: never throws for a malformed chain or DNS trouble; both give cv=fail with a
 * reason (ARC has no temperror).
 */
package dev.postamt.mailauth.arc;
