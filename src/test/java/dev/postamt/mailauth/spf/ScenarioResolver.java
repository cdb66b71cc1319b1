package dev.postamt.mailauth.spf;

import dev.postamt.dns.DnsNames;
import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import dev.postamt.mailauth.spf.SpfSuiteData.Entry;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * An in-memory resolver over a scenario's zonedata with the reference driver's TIMEOUT rule: a
 * TIMEOUT entry answers TEMPFAIL to a query unless an entry of the asked type came before it.
 * Remembers whether any query timed out, so the zone-file test can leave those cases out.
 */
final class ScenarioResolver implements Resolver {
  private final Map<String, List<Entry>> zone = new HashMap<>();
  private volatile boolean timedOut;

  ScenarioResolver(Map<String, List<Entry>> zonedata) {
    zonedata.forEach((k, v) -> zone.put(DnsNames.normalize(k), v));
  }

  boolean timedOut() {
    return timedOut;
  }

  @Override
  public DnsResult<String> txt(String name) {
    return lookup(name, "TXT", v -> String.join("", SpfSuiteData.strings(v)));
  }

  @Override
  public DnsResult<InetAddress> a(String name) {
    return lookup(name, "A", v -> InetAddress.ofLiteral(String.valueOf(v)));
  }

  @Override
  public DnsResult<InetAddress> aaaa(String name) {
    return lookup(name, "AAAA", v -> ipv6(String.valueOf(v)));
  }

  @Override
  public DnsResult<Mx> mx(String name) {
    return lookup(name, "MX", v -> new Mx(((Number) ((List<?>) v).get(0)).intValue(), DnsNames.normalize(String.valueOf(((List<?>) v).get(1)))));
  }

  @Override
  public DnsResult<String> ptr(InetAddress address) {
    return lookup(DnsNames.reverseName(address), "PTR", v -> DnsNames.normalize(String.valueOf(v)));
  }

  @Override
  public DnsResult<String> cname(String name) {
    return lookup(name, "CNAME", v -> DnsNames.normalize(String.valueOf(v)));
  }

  @Override
  public DnsResult<Tlsa> tlsa(String name) {
    return lookup(name, "TLSA", v -> null);
  }

  private <T> DnsResult<T> lookup(String name, String type, Function<Object, T> convert) {
    String n = DnsNames.normalize(name);
    for (int hop = 0; hop < 10; hop++) {
      List<Entry> entries = zone.get(n.toLowerCase(Locale.ROOT));
      if (entries == null) {
        return DnsResult.nxdomain();
      }
      List<T> found = new ArrayList<>();
      String alias = null;
      for (Entry e : entries) {
        if (e.type().equals("TIMEOUT")) {
          if (found.isEmpty()) {
            timedOut = true;
            return DnsResult.tempfail();
          }
          break;
        }
        if (e.type().equals(type)) {
          found.add(convert.apply(e.value()));
        } else if (e.type().equals("CNAME") && !type.equals("CNAME")) {
          alias = DnsNames.normalize(String.valueOf(e.value()));
        }
      }
      if (alias == null || !found.isEmpty()) {
        return DnsResult.ok(found);
      }
      n = alias;
    }
    return DnsResult.tempfail(); // a CNAME loop, as a real resolver would report it
  }

  /** AAAA data stays IPv6 even when IPv4-mapped. */
  static InetAddress ipv6(String s) {
    InetAddress a = InetAddress.ofLiteral(s);
    if (a instanceof Inet4Address) {
      byte[] m = new byte[16];
      m[10] = (byte) 0xff;
      m[11] = (byte) 0xff;
      System.arraycopy(a.getAddress(), 0, m, 12, 4);
      try {
        return Inet6Address.getByAddress(null, m, -1);
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
    return a;
  }
}
