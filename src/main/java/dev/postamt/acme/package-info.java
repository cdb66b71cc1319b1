/**
 * Certificates from an ACME CA (RFC 8555, Let's Encrypt by default) for {@code [tls] acme = true}: an
 * account (ES256 key, {@link dev.postamt.acme.Jws}), an order for {@code [tls] acme_names} (default: the
 * hostname), the {@code http-01} challenge (§8.3) answered by our own http listener at {@code
 * /.well-known/acme-challenge/TOKEN} ({@link dev.postamt.acme.ChallengeApp}), finalisation with a CSR,
 * and the PEM chain. {@link dev.postamt.acme.AcmeRenewal} checks at start and daily, renews when less
 * than 30 days remain (or the names changed), and hands the new pair to every TLS listener without a
 * restart.
 *
 * <p>Failure behaviour: a CA that cannot be reached or refuses leaves the running certificate (or the
 * self-signed one) in place, logged, and the next daily check tries again; nothing half-written is ever
 * used (files are replaced atomically, key before certificate). On-disk layout, {@code data_dir/acme/}:
 * {@code account.key} (the account's EC P-256 key, PKCS#8 PEM), {@code key.pem} and {@code cert.pem}
 * (the certificate's RSA key and chain), {@code challenges/TOKEN} (key authorizations while an order is
 * being validated; shared with the http listener, so a renewal by another process is answered too).
 */
package dev.postamt.acme;
