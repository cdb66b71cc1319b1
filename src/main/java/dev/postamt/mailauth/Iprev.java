package dev.postamt.mailauth;

import dev.postamt.dns.DnsNames;
import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Forward-confirmed reverse DNS of the client address (RFC 8601 §3, "iprev"): the PTR names of the
 * address, then the A or AAAA records of each name; a name whose records include the address is
 * confirmed. Like SPF's ptr (RFC 7208 §4.6.4) at most 10 PTR names are tried, so a hostile reverse
 * zone cannot make us do unbounded lookups.
 */
public final class Iprev {
  static final int NAME_LIMIT = 10;

  private final Resolver dns;

  public Iprev(Resolver dns) {
    this.dns = dns;
  }

  public IprevResult check(InetAddress client) {
    InetAddress ip = DnsNames.canonical(client);
    String text = DnsNames.addressText(ip);
    DnsResult<String> ptr = dns.ptr(ip);
    if (ptr.status() == DnsResult.Status.TEMPFAIL) {
      return new IprevResult(IprevResult.Result.TEMPERROR, text, Optional.empty(), "DNS error looking up PTR " + DnsNames.reverseName(ip));
    }
    if (ptr.isVoid()) {
      return new IprevResult(IprevResult.Result.PERMERROR, text, Optional.empty(), "no PTR record for " + text);
    }
    boolean v4 = ip.getAddress().length == 4;
    boolean tempfail = false;
    List<String> names = ptr.records();
    for (String name : names.subList(0, Math.min(NAME_LIMIT, names.size()))) {
      if (!DnsNames.isQueryable(name)) {
        continue;
      }
      DnsResult<InetAddress> fwd = v4 ? dns.a(name) : dns.aaaa(name);
      if (fwd.status() == DnsResult.Status.TEMPFAIL) {
        tempfail = true; // another name may still confirm; only if none does is this a temperror
        continue;
      }
      for (InetAddress a : fwd.records()) {
        if (DnsNames.canonical(a).equals(ip)) {
          return new IprevResult(IprevResult.Result.PASS, text, Optional.of(DnsNames.normalize(name)), name + " resolves to " + text);
        }
      }
    }
    if (tempfail) {
      return new IprevResult(IprevResult.Result.TEMPERROR, text, Optional.empty(), "DNS error confirming the PTR names of " + text);
    }
    return new IprevResult(
        IprevResult.Result.FAIL, text, Optional.empty(), "no PTR name of " + text + " resolves back to it: " + String.join(", ", names));
  }
}
