/**
 * DKIM (RFC 6376) with Ed25519 (RFC 8463) and the RFC 8301 crypto rules: verifying every signature of
 * an inbound message ({@link dev.postamt.mailauth.dkim.DkimVerifier}), signing outbound mail ({@link
 * dev.postamt.mailauth.dkim.DkimSigner}) and the keys on disk ({@link dev.postamt.mailauth.dkim.DkimKeys}).
 *
 * <p>Streaming: the header section is read into memory (at most 1 MiB); bodies pass once through a
 * canonicalizing hasher per signature and are never held whole.
 *
 * <p>Failure behaviour: a broken signature, key record or DNS answer becomes a {@link
 * dev.postamt.mailauth.dkim.DkimResult} (neutral / permerror / temperror / policy), never an exception.
 * rsa-sha1 and RSA keys under 1024 bits give {@code policy}, not {@code pass}.
 *
 * <p>On-disk layout: {@code data_dir/dkim/<domain>/<selector>.<rsa|ed25519>.key}, PEM private keys
 * (PKCS#8 written, PKCS#1 RSA also read), mode 0600 in 0700 directories. The newest file of each
 * algorithm signs.
 */
package dev.postamt.mailauth.dkim;
