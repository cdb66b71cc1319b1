/**
 * DMARC (RFC 7489): the RFC5322.From domain, policy discovery at {@code _dmarc.<domain>} and at the
 * organizational domain (Public Suffix List), SPF/DKIM identifier alignment, and the disposition after
 * {@code p=}, {@code sp=} and {@code pct=}. {@code np=} (RFC 9091), reports (rua/ruf) are not
 * implemented.
 *
 * <p>Failure behaviour: DNS trouble is TEMPERROR with disposition none (the caller may defer); a From
 * header DMARC cannot evaluate (none, several, several domains) is PERMERROR.
 */
package dev.postamt.mailauth.dmarc;
