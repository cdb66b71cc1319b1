/**
 * Mail clients that configure themselves: Thunderbird's autoconfig ({@code
 * /.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=…} and {@code /mail/config-v1.1.xml} on the
 * {@code autoconfig.DOMAIN} host) and Outlook's autodiscover (POX, {@code POST
 * /autodiscover/autodiscover.xml}), served by {@link dev.postamt.autoconfig.ClientConfigApp} on the HTTP
 * listener without a login.
 *
 * <p>What they offer is what runs: the server's hostname and the bound port of each configured
 * listener (implicit TLS first, as RFC 8314 §4 recommends, then STARTTLS), never a service that is not
 * listening. Only local domains are answered; any other domain is a plain 404, and the answer never
 * depends on whether a user exists (the username is always the address given, {@code %EMAILADDRESS%}).
 * Failure behaviour: a request it cannot read is a 400; nothing is stored.
 */
package dev.postamt.autoconfig;
