/**
 * Message and client authentication for inbound mail, and signing for outbound: SPF (sub-package
 * {@code spf}, RFC 7208), iprev ({@link dev.postamt.mailauth.Iprev}, RFC 8601 §3), DKIM ({@code dkim},
 * RFC 6376/8463/8301), DMARC ({@code dmarc}, RFC 7489) and what they share: the strict tag-list parser
 * of RFC 6376 §3.2 ({@link dev.postamt.mailauth.TagList}), the Public Suffix List for organizational
 * domains, and the Authentication-Results field (RFC 8601); message headers come from {@link
 * dev.postamt.mime.HeaderSection}.
 *
 * <p>Failure behaviour: checks never throw for bad input or DNS trouble. DNS trouble becomes a {@code
 * temperror} result and broken published data a {@code permerror}, so the SMTP session can choose
 * between a 4xx reply, a 5xx reply or only an Authentication-Results entry. All DNS goes through
 * {@link dev.postamt.dns.Resolver}. Parsers are pure functions on strings or bytes, separate from I/O,
 * so they can be fuzzed alone.
 *
 * <p>Data: the bundled {@code public_suffix_list.dat} (MPL-2.0, see the README next to it).
 */
package dev.postamt.mailauth;
