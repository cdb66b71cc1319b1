/**
 * Outbound TLS beyond opportunism: the per-destination levels of {@code [tls_policy]} (Postfix's {@code
 * none}, {@code may}, {@code encrypt}, {@code verify}, {@code secure}), MTA-STS (RFC 8461: policy
 * discovery, HTTPS fetch, cache, MX matching), certificate verification against the JDK's trust store
 * plus {@code [delivery] tls_trust}, name matching by RFC 6125, and DANE (RFC 7672, {@link
 * dev.postamt.delivery.tls.Dane}) over DNSSEC-validated TLSA records (the resolver's AD bit).
 *
 * <p>Failure behaviour: a destination whose policy demands TLS (or verified TLS) that cannot be had is
 * deferred with a 4.7.x status naming the reason and the policy's source, never sent in clear; an
 * MTA-STS policy that cannot be fetched leaves the cached one in force (RFC 8461 §5.1), or none.
 * Owns {@code data_dir/mta-sts/} (fetched policies, one file per domain).
 */
package dev.postamt.delivery.tls;
