/**
 * SPF, RFC 7208: {@link dev.postamt.mailauth.spf.SpfVerifier} runs check_host() for the MAIL FROM
 * and HELO identities and returns an {@link dev.postamt.mailauth.spf.SpfResult}.
 *
 * <p>Failure behaviour: a check never throws. DNS trouble (SERVFAIL, time-out) is {@code temperror};
 * broken records, more than one record, more than 10 DNS-querying terms, more than 2 void lookups,
 * more than 10 MX hosts, a redirect or include to a domain without SPF are {@code permerror}. What to
 * do with a result (reject, tag, hand to DMARC) is the caller's policy, not this package's. Choices
 * where the RFC leaves room: DNS terms are counted lazily, when evaluated (§4.6.4); a target name
 * that cannot be queried (empty or over-long label) does not match; %{i} of an IPv6 address uses upper
 * case nibbles, as the RFC 7208 test suite expects. Nothing on disk.
 */
package dev.postamt.mailauth.spf;
