package dev.postamt.policy;

import dev.postamt.dns.DnsNames;
import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The client's forward-confirmed reverse name (FCrDNS, what Postfix calls the verified client name):
 * the PTR names of the address, then the A or AAAA records of each; a name whose records give the
 * address back is confirmed. At most 10 PTR names are tried (as RFC 7208 §4.6.4 bounds SPF's ptr), so
 * a hostile reverse zone cannot make us do unbounded lookups. (The same rule as {@code mailauth}'s
 * iprev, kept here so that policy does not depend on the mail-authentication package.)
 *
 * @param status {@link Status#CONFIRMED} with {@code name}, {@link Status#NO_PTR}, {@link
 *     Status#NOT_CONFIRMED} (PTR names that do not resolve back) or {@link Status#TEMPFAIL}
 */
record ReverseName(Status status, Optional<String> name, String reason) {
  static final int NAME_LIMIT = 10;

  enum Status {
    CONFIRMED,
    NO_PTR,
    NOT_CONFIRMED,
    TEMPFAIL
  }

  static ReverseName of(Resolver dns, InetAddress client) {
    InetAddress ip = DnsNames.canonical(client);
    String text = DnsNames.addressText(ip);
    DnsResult<String> ptr = dns.ptr(ip);
    if (ptr.status() == DnsResult.Status.TEMPFAIL) {
      return new ReverseName(Status.TEMPFAIL, Optional.empty(), "DNS error looking up PTR " + DnsNames.reverseName(ip));
    }
    if (ptr.isVoid()) {
      return new ReverseName(Status.NO_PTR, Optional.empty(), "no PTR record for " + text);
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
        tempfail = true; // another name may still confirm
        continue;
      }
      for (InetAddress a : fwd.records()) {
        if (DnsNames.canonical(a).equals(ip)) {
          return new ReverseName(Status.CONFIRMED, Optional.of(DnsNames.normalize(name)), name + " resolves to " + text);
        }
      }
    }
    if (tempfail) {
      return new ReverseName(Status.TEMPFAIL, Optional.empty(), "DNS error confirming the PTR names of " + text);
    }
    return new ReverseName(
        Status.NOT_CONFIRMED, Optional.empty(), "no PTR name of " + text + " resolves back to it: " + String.join(", ", names));
  }
}
