package dev.postamt.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Real DNS over UDP (TCP on truncation) with dnsjava: the system's resolvers from
 * /etc/resolv.conf, or {@code [dns] servers}. Every instance has its own bounded cache: answers live
 * as long as their TTL (at most a day), negative answers as long as the SOA minimum says (at most an
 * hour, RFC 2308). SERVFAIL, REFUSED, a time-out or a CNAME loop is TEMPFAIL, never an exception.
 */
public final class DnsjavaResolver implements Resolver {
  static final int MAX_CACHE_ENTRIES = 20_000;
  static final int MAX_POSITIVE_TTL = 86_400;
  static final int MAX_NEGATIVE_TTL = 3_600;

  /** The root zone's key-signing key KSK-2017 (IANA root-anchors.xml), the default trust anchor. */
  public static final String ROOT_TRUST_ANCHOR =
      ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n";

  private final org.xbill.DNS.Resolver resolver;
  private final Cache cache;
  private volatile boolean trustAd;
  private volatile org.xbill.DNS.dnssec.ValidatingResolver validator;
  private final Duration timeout;

  /**
   * Validates DNSSEC here (RFC 4033–4035, dnsjava's validating resolver) for the MX and TLSA lookups of
   * DANE, from {@code anchors} (DS or DNSKEY records in zone-file form): an answer counts as validated
   * only when its signatures chain up to an anchor. A bogus answer (bad or missing signatures where the
   * chain says there must be some) is a temporary failure, so mail waits instead of going out without
   * the protection its domain asked for.
   *
   * @throws IOException when the anchors cannot be read
   */
  public DnsjavaResolver validating(String anchors) throws java.io.IOException {
    org.xbill.DNS.dnssec.ValidatingResolver v = new org.xbill.DNS.dnssec.ValidatingResolver(resolver);
    v.loadTrustAnchors(new java.io.ByteArrayInputStream(anchors.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    v.setTimeout(timeout);
    this.validator = v;
    this.trustAd = true;
    return this;
  }

  /**
   * Trusts the servers' AD bit ({@code [dns] dnssec}): MX and TLSA lookups for DANE then ask with the
   * DO bit and AD set (RFC 6840 §5.7) and count an answer as validated when the AD bit comes back.
   * Only safe with a validating resolver on this machine or a path to it that cannot be tampered with.
   */
  public DnsjavaResolver trustingAd() {
    this.trustAd = true;
    return this;
  }

  @Override
  public Secured<Mx> mxSecured(String name) {
    return secured(name, Type.MX, r -> new Mx(((MXRecord) r).getPriority(), plain(((MXRecord) r).getTarget())), this::mx);
  }

  @Override
  public Secured<Tlsa> tlsaSecured(String name) {
    return secured(name, Type.TLSA, r -> {
      TLSARecord t = (TLSARecord) r;
      return new Tlsa(t.getCertificateUsage(), t.getSelector(), t.getMatchingType(), t.getCertificateAssociationData());
    }, this::tlsa);
  }

  /** One query with DO and AD set, read whole: the records of {@code type} and whether AD came back. */
  private <T> Secured<T> secured(String name, int type, Function<Record, T> convert, Function<String, DnsResult<T>> plain) {
    if (!trustAd) {
      return new Secured<>(plain.apply(name), false);
    }
    Name n;
    try {
      n = Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      return new Secured<>(DnsResult.nxdomain(), false);
    }
    org.xbill.DNS.Message q = org.xbill.DNS.Message.newQuery(Record.newRecord(n, type, DClass.IN));
    q.getHeader().setFlag(org.xbill.DNS.Flags.AD);
    q.addRecord(new org.xbill.DNS.OPTRecord(1232, 0, 0, org.xbill.DNS.ExtendedFlags.DO), org.xbill.DNS.Section.ADDITIONAL);
    try {
      org.xbill.DNS.dnssec.ValidatingResolver v = validator;
      org.xbill.DNS.Message a = v != null ? v.send(q) : resolver.send(q);
      boolean ad = a.getHeader().getFlag(org.xbill.DNS.Flags.AD);
      int rcode = a.getRcode();
      if (rcode == org.xbill.DNS.Rcode.NXDOMAIN) {
        return new Secured<>(DnsResult.nxdomain(), ad);
      }
      if (rcode != org.xbill.DNS.Rcode.NOERROR) {
        return new Secured<>(DnsResult.tempfail(), false);
      }
      List<T> out = new ArrayList<>();
      for (Record r : a.getSection(org.xbill.DNS.Section.ANSWER)) {
        if (r.getType() == type) {
          out.add(convert.apply(r));
        }
      }
      return new Secured<>(DnsResult.ok(out), ad);
    } catch (java.io.IOException e) {
      return new Secured<>(DnsResult.tempfail(), false);
    }
  }

  /**
   * @param servers "host", "host:port" or "[v6]:port"; empty for the system's resolvers
   * @param timeout how long one lookup may take in total, retries included
   */
  public DnsjavaResolver(List<String> servers, Duration timeout) {
    List<org.xbill.DNS.Resolver> rs = new ArrayList<>();
    List<InetSocketAddress> addresses =
        servers.isEmpty() ? ResolverConfig.getCurrentConfig().servers() : servers.stream().map(DnsjavaResolver::server).toList();
    for (InetSocketAddress a : addresses) {
      SimpleResolver r = new SimpleResolver(a);
      r.setTimeout(timeout);
      rs.add(r);
    }
    if (rs.isEmpty()) {
      throw new IllegalArgumentException("no DNS servers configured and none found in the system configuration");
    }
    this.timeout = timeout;
    ExtendedResolver ext = new ExtendedResolver(rs);
    ext.setTimeout(timeout);
    ext.setRetries(2);
    this.resolver = ext;
    this.cache = new Cache(DClass.IN);
    cache.setMaxEntries(MAX_CACHE_ENTRIES);
    cache.setMaxCache(MAX_POSITIVE_TTL);
    cache.setMaxNCache(MAX_NEGATIVE_TTL);
  }

  static InetSocketAddress server(String s) {
    String host = s;
    int port = 53;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("bad DNS server address " + s);
      }
      host = s.substring(1, close);
      if (s.length() > close + 1) {
        port = port(s, s.substring(close + 1));
      }
    } else if (s.indexOf(':') > 0 && s.indexOf(':') == s.lastIndexOf(':')) {
      host = s.substring(0, s.indexOf(':'));
      port = port(s, s.substring(s.indexOf(':')));
    }
    try {
      // A server is normally an address literal; a name is resolved once by the system here.
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown DNS server " + s);
    }
  }

  private static int port(String whole, String colonPort) {
    if (!colonPort.matches(":\\d{1,5}") || Integer.parseInt(colonPort.substring(1)) > 65535) {
      throw new IllegalArgumentException("bad DNS server address " + whole);
    }
    return Integer.parseInt(colonPort.substring(1));
  }

  @Override
  public DnsResult<String> txt(String name) {
    return lookup(name, Type.TXT, r -> text((TXTRecord) r));
  }

  @Override
  public DnsResult<InetAddress> a(String name) {
    return lookup(name, Type.A, r -> ((ARecord) r).getAddress());
  }

  @Override
  public DnsResult<InetAddress> aaaa(String name) {
    return lookup(name, Type.AAAA, r -> ((AAAARecord) r).getAddress());
  }

  @Override
  public DnsResult<Mx> mx(String name) {
    return lookup(name, Type.MX, r -> new Mx(((MXRecord) r).getPriority(), plain(((MXRecord) r).getTarget())));
  }

  @Override
  public DnsResult<String> ptr(InetAddress address) {
    return lookup(DnsNames.reverseName(address), Type.PTR, r -> plain(((PTRRecord) r).getTarget()));
  }

  @Override
  public DnsResult<String> cname(String name) {
    return lookup(name, Type.CNAME, r -> plain(((CNAMERecord) r).getTarget()));
  }

  @Override
  public DnsResult<Tlsa> tlsa(String name) {
    return lookup(
        name,
        Type.TLSA,
        r -> {
          TLSARecord t = (TLSARecord) r;
          return new Tlsa(t.getCertificateUsage(), t.getSelector(), t.getMatchingType(), t.getCertificateAssociationData());
        });
  }

  @Override
  public DnsResult<Srv> srv(String name) {
    return lookup(name, Type.SRV, r -> {
      SRVRecord s = (SRVRecord) r;
      return new Srv(s.getPriority(), s.getWeight(), s.getPort(), plain(s.getTarget()));
    });
  }

  private <T> DnsResult<T> lookup(String name, int type, Function<Record, T> convert) {
    Name n;
    try {
      n = Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      return DnsResult.nxdomain(); // a name that cannot be encoded cannot exist
    }
    Lookup l = new Lookup(n, type, DClass.IN);
    l.setResolver(resolver);
    l.setCache(cache);
    l.setSearchPath(List.of());
    l.setHostsFileParser(null);
    Record[] answers = l.run();
    return switch (l.getResult()) {
      case Lookup.SUCCESSFUL -> {
        List<T> out = new ArrayList<>();
        for (Record r : answers) {
          if (r.getType() == type) {
            out.add(convert.apply(r));
          }
        }
        yield DnsResult.ok(out);
      }
      case Lookup.TYPE_NOT_FOUND -> DnsResult.ok(List.of());
      case Lookup.HOST_NOT_FOUND -> DnsResult.nxdomain();
      default -> DnsResult.tempfail(); // TRY_AGAIN (SERVFAIL, time-out) and UNRECOVERABLE (REFUSED, loops)
    };
  }

  /** RFC 7208 §3.3 and RFC 6376 §3.6.2.2: the strings of one TXT record are joined without a separator. */
  private static String text(TXTRecord r) {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    for (byte[] s : r.getStringsAsByteArrays()) {
      b.writeBytes(s);
    }
    return new String(b.toByteArray(), StandardCharsets.UTF_8);
  }

  private static String plain(Name n) {
    String s = n.toString(true);
    return s.equals(".") ? "" : s;
  }
}
