package dev.postamt.dns;

import dev.postamt.dns.ZoneFileParser.ZoneRecord;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Type;

/**
 * Answers only from an RFC 1035 master file ({@code [dns] zone_file}): for offline use, labs and
 * tests. A name that is not in the file is NXDOMAIN; a name that is in it (or has names below it)
 * but lacks the asked type is NODATA. CNAMEs are followed; a CNAME loop is a TEMPFAIL, as a real
 * resolver would give SERVFAIL. Type SPF (99) records are read and kept but never asked for.
 */
public final class ZoneFileResolver implements Resolver {
  private static final int MAX_CNAME_HOPS = 16;

  private final Map<String, List<ZoneRecord>> byName = new HashMap<>();
  private final Set<String> existing = new HashSet<>();
  private final int size;
  /** Zones whose answers count as DNSSEC-validated ({@code [dns] signed_zones}, for tests of DANE). */
  private volatile List<String> signed = List.of();

  private ZoneFileResolver(List<ZoneRecord> records) {
    for (ZoneRecord r : records) {
      byName.computeIfAbsent(r.owner(), k -> new ArrayList<>()).add(r);
      // RFC 8020: a name with names below it exists (an "empty non-terminal"), so it is NODATA.
      for (String n = r.owner(); ; n = n.substring(n.indexOf('.') + 1)) {
        if (!existing.add(n) || n.indexOf('.') < 0) {
          break;
        }
      }
    }
    this.size = records.size();
  }

  /** Reads a zone file; a syntax error comes back as an IOException naming the file and line. */
  public static ZoneFileResolver load(Path file) throws IOException {
    return new ZoneFileResolver(ZoneFileParser.parse(file));
  }

  /** Zone-file text, e.g. from a test; {@code $INCLUDE} paths are relative to the working directory. */
  public static ZoneFileResolver parse(String text) throws IOException {
    return new ZoneFileResolver(ZoneFileParser.parse("<zone text>", text));
  }

  /** Marks the zones (and everything below them) whose answers count as validated by DNSSEC. */
  public ZoneFileResolver signed(List<String> zones) {
    this.signed = List.copyOf(zones);
    return this;
  }

  private boolean isSigned(String name) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    if (n.endsWith(".")) {
      n = n.substring(0, n.length() - 1);
    }
    for (String z : signed) {
      if (n.equals(z) || n.endsWith("." + z)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Secured<Mx> mxSecured(String name) {
    return new Secured<>(mx(name), isSigned(name));
  }

  @Override
  public Secured<Tlsa> tlsaSecured(String name) {
    return new Secured<>(tlsa(name), isSigned(name));
  }

  /** How many records the file held. */
  public int size() {
    return size;
  }

  @Override
  public DnsResult<String> txt(String name) {
    return lookup(name, Type.TXT, String.class);
  }

  @Override
  public DnsResult<InetAddress> a(String name) {
    return lookup(name, Type.A, InetAddress.class);
  }

  @Override
  public DnsResult<InetAddress> aaaa(String name) {
    return lookup(name, Type.AAAA, InetAddress.class);
  }

  @Override
  public DnsResult<Mx> mx(String name) {
    return lookup(name, Type.MX, Mx.class);
  }

  @Override
  public DnsResult<String> ptr(InetAddress address) {
    return lookup(DnsNames.reverseName(address), Type.PTR, String.class);
  }

  @Override
  public DnsResult<String> cname(String name) {
    return lookup(name, Type.CNAME, String.class);
  }

  @Override
  public DnsResult<Tlsa> tlsa(String name) {
    return lookup(name, Type.TLSA, Tlsa.class);
  }

  private <T> DnsResult<T> lookup(String name, int type, Class<T> kind) {
    String n = DnsNames.normalize(name);
    for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
      List<ZoneRecord> rrs = byName.get(n);
      if (rrs == null) {
        return existing.contains(n) ? DnsResult.ok(List.of()) : DnsResult.nxdomain();
      }
      String alias = null;
      List<T> found = new ArrayList<>();
      for (ZoneRecord r : rrs) {
        if (r.type() == type && r.data() != null) {
          found.add(kind.cast(r.data()));
        } else if (r.type() == Type.CNAME && type != Type.CNAME) {
          alias = (String) r.data();
        }
      }
      if (alias == null || !found.isEmpty()) {
        return DnsResult.ok(found);
      }
      n = alias;
    }
    return DnsResult.tempfail();
  }
}
