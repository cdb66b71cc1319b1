/**
 * Sender and client authentication for inbound mail: SPF (sub-package {@code spf}, RFC 7208), iprev
 * ({@link dev.postamt.mailauth.Iprev}, RFC 8601 §3), and DKIM, DMARC and ARC.
 *
 * <p>Failure behaviour: checks never throw; DNS trouble becomes a {@code temperror} result and broken
 * published data a {@code permerror}, so the SMTP session can choose between a 4xx reply, a 5xx reply
 * or only an Authentication-Results entry. All DNS goes through {@link dev.postamt.dns.Resolver}.
 * Nothing on disk.
 */
package dev.postamt.mailauth;
