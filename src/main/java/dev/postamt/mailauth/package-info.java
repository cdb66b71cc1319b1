/**
 * Message and client authentication for inbound mail, and signing for outbound: SPF (sub-package
 * {@code spf}, RFC 7208), iprev ({@link dev.postamt.mailauth.Iprev}, RFC 8601 §3), DKIM ({@code dkim},
 * RFC 6376/8463/8301, with the strict tag-list parser of RFC 6376 §3.2 that ARC and DMARC use too), ARC
 * ({@code arc}, RFC 8617), DMARC ({@code dmarc}, RFC 7489, with the Public Suffix List for
 * organizational domains) and the Authentication-Results field (RFC 8601); message headers come from
 * {@link dev.postamt.mime.HeaderSection}. The sub-packages depend on one another downwards only (arc on
 * dkim, dmarc on dkim); this package composes them and none of them depends on it.
 *
 * <p>Failure behaviour: checks never throw for bad input or DNS trouble. DNS trouble becomes a {@code
 * temperror} result and broken published data a {@code permerror}, so the SMTP session can choose
 * between a 4xx reply, a 5xx reply or only an Authentication-Results entry. All DNS goes through
 * {@link dev.postamt.dns.Resolver}. Parsers are pure functions on strings or bytes, separate from I/O,
 * so they can be fuzzed alone.
 *
 * <p>Data: the bundled {@code dmarc/public_suffix_list.dat} (MPL-2.0, see the README next to it).
 */
package dev.postamt.mailauth;
