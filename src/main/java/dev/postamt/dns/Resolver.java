package dev.postamt.dns;

import java.net.InetAddress;

/**
 * Asks DNS. Implementations follow CNAME chains transparently and cache answers per TTL. Names may
 * be given with or without the trailing dot. A lookup never throws for DNS trouble: SERVFAIL and
 * time-outs come back as {@link DnsResult.Status#TEMPFAIL}.
 */
public interface Resolver {
  DnsResult<String> txt(String name);

  DnsResult<InetAddress> a(String name);

  DnsResult<InetAddress> aaaa(String name);

  DnsResult<Mx> mx(String name);

  DnsResult<String> ptr(InetAddress address);

  DnsResult<String> cname(String name);

  DnsResult<Tlsa> tlsa(String name);

  /**
   * An answer and whether it was validated by DNSSEC (RFC 4035 §3.2.3: the AD bit of a validating
   * resolver we trust; a zone file marked signed). Only validated answers may turn on DANE.
   */
  record Secured<T>(DnsResult<T> result, boolean secure) {}

  /** The MX records of {@code name} with their DNSSEC status; not validated unless the resolver can tell. */
  default Secured<Mx> mxSecured(String name) {
    return new Secured<>(mx(name), false);
  }

  /** The TLSA records of {@code name} with their DNSSEC status. */
  default Secured<Tlsa> tlsaSecured(String name) {
    return new Secured<>(tlsa(name), false);
  }

  /** An MX record; {@code host} without the trailing dot, "" for a null MX (RFC 7505). */
  record Mx(int preference, String host) {}

  /** A TLSA record (RFC 6698). */
  record Tlsa(int usage, int selector, int matchingType, byte[] data) {}
}
