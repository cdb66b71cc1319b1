/**
 * Message authentication: SPF (elsewhere), DKIM ({@code dkim}), DMARC ({@code dmarc}) and what they
 * share: the strict tag-list parser of RFC 6376 §3.2 ({@link dev.postamt.mailauth.TagList}), the header
 * section as raw bytes ({@link dev.postamt.mailauth.HeaderSection}), the Public Suffix List for
 * organizational domains, and the Authentication-Results field (RFC 8601).
 *
 * <p>Failure behaviour: checks never throw for bad input or DNS trouble. Every problem becomes a result
 * (neutral, permerror, temperror) that the policy stage decides about. Parsers are pure functions on
 * strings or bytes, separate from I/O, so they can be fuzzed alone.
 *
 * <p>Data: the bundled {@code public_suffix_list.dat} (MPL-2.0, see the README next to it).
 */
package dev.postamt.mailauth;
