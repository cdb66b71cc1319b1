/**
 * Asking DNS. {@link dev.postamt.dns.Resolver} is the contract everybody codes against: SPF, DKIM,
 * DMARC, iprev, DNSBL checks and MX routing for remote delivery. {@link
 * dev.postamt.dns.DnsjavaResolver} speaks the real protocol with a bounded per-TTL cache; {@link
 * dev.postamt.dns.ZoneFileResolver} answers from an RFC 1035 master file only, for offline use and
 * tests; {@link dev.postamt.dns.Resolvers#fromConfig} chooses between them.
 *
 * <p>Failure behaviour: lookups never throw for DNS trouble. NXDOMAIN and NODATA (OK with no records)
 * are answers; SERVFAIL, time-outs, CNAME loops and other errors are {@code TEMPFAIL}, which callers
 * turn into a temporary failure (a 4xx reply, an SPF temperror) rather than a verdict. Names are
 * returned without the trailing dot. The package owns nothing on disk.
 */
package dev.postamt.dns;
