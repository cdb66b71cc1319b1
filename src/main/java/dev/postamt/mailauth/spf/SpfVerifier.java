package dev.postamt.mailauth.spf;

import dev.postamt.dns.DnsNames;
import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import dev.postamt.mailauth.spf.SpfRecord.Mechanism;
import dev.postamt.mailauth.spf.SpfResult.Identity;
import dev.postamt.mailauth.spf.SpfResult.Result;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Evaluates SPF (RFC 7208): {@code check_host()} for the MAIL FROM and HELO identities. Thread-safe;
 * every check keeps its own counters. Type SPF (99) records are never asked for (§3.1); DNS comes
 * only from the given {@link Resolver}, whose caching makes repeated lookups cheap.
 */
public final class SpfVerifier {
  /** §4.6.4: terms that cause DNS queries, per evaluation. */
  static final int DNS_TERM_LIMIT = 10;
  /** §4.6.4: NXDOMAIN or empty answers, per evaluation. */
  static final int VOID_LOOKUP_LIMIT = 2;
  /** §4.6.4: MX records per "mx", PTR names per "ptr" or %{p}. */
  static final int NAME_LIMIT = 10;

  private final Resolver dns;
  private final String receiver;
  private final Clock clock;

  /** {@code receiver} is this host's name, the value of the %{r} macro in explanations. */
  public SpfVerifier(Resolver dns, String receiver) {
    this(dns, receiver, Clock.systemUTC());
  }

  public SpfVerifier(Resolver dns, String receiver, Clock clock) {
    this.dns = dns;
    this.receiver = receiver == null || receiver.isBlank() ? "unknown" : receiver;
    this.clock = clock;
  }

  /**
   * What an SMTP server checks at MAIL FROM (§2.4): the MAIL FROM identity, or for the null sender
   * (an empty {@code mailFrom}) the HELO identity with postmaster@HELO as sender.
   */
  public SpfResult check(InetAddress ip, String mailFrom, String helo) {
    String from = mailFrom == null ? "" : mailFrom.trim();
    if (from.startsWith("<") && from.endsWith(">")) {
      from = from.substring(1, from.length() - 1);
    }
    return from.isEmpty() ? checkHelo(ip, helo) : checkMailFrom(ip, from, helo);
  }

  /** The MAIL FROM identity (§2.4); a sender without local part gets "postmaster" (§4.3). */
  public SpfResult checkMailFrom(InetAddress ip, String mailFrom, String helo) {
    int at = mailFrom.lastIndexOf('@');
    String local = at < 0 ? "postmaster" : mailFrom.substring(0, at);
    String domain = at < 0 ? mailFrom : mailFrom.substring(at + 1);
    if (local.isEmpty()) {
      local = "postmaster";
    }
    return run(ip, local, domain, helo, Identity.MAILFROM);
  }

  /** The HELO identity (§2.3), checked with sender postmaster@HELO. */
  public SpfResult checkHelo(InetAddress ip, String helo) {
    String h = helo == null ? "" : helo;
    return run(ip, "postmaster", h, h, Identity.HELO);
  }

  private SpfResult run(InetAddress ip, String local, String domain, String helo, Identity identity) {
    String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    Evaluation e = new Evaluation(DnsNames.canonical(ip), local, d, helo == null ? "" : helo);
    String sender = local + "@" + d;
    try {
      Outcome o = e.checkHost(d);
      Optional<String> explanation = o.result == Result.FAIL ? e.explain(o) : Optional.empty();
      return new SpfResult(o.result, identity, d, sender, explanation, o.reason);
    } catch (SpfError err) {
      return new SpfResult(err.result(), identity, d, sender, Optional.empty(), err.getMessage());
    }
  }

  /** What one check_host() level decided, and the record and domain an explanation would come from. */
  private record Outcome(Result result, String reason, SpfRecord record, String domain) {}

  /** The state of one evaluation: its inputs and the §4.6.4 counters shared by all nested levels. */
  private final class Evaluation {
    final InetAddress ip;
    final boolean v4;
    final String local;
    final String senderDomain;
    final String helo;
    int dnsTerms;
    int voids;

    Evaluation(InetAddress ip, String local, String senderDomain, String helo) {
      this.ip = ip;
      this.v4 = ip.getAddress().length == 4;
      this.local = local;
      this.senderDomain = senderDomain;
      this.helo = helo;
    }

    /** check_host() (§4): none for a malformed domain or no record, else the record's verdict. */
    Outcome checkHost(String domain) throws SpfError {
      if (!isValidDomain(domain)) {
        return new Outcome(Result.NONE, "\"" + domain + "\" is not a valid domain name", null, domain);
      }
      DnsResult<String> txt = dns.txt(domain);
      if (txt.status() == DnsResult.Status.TEMPFAIL) {
        throw SpfError.temp("DNS error looking up TXT " + domain);
      }
      List<String> spf = txt.records().stream().filter(SpfRecord::isSpf).toList();
      if (spf.isEmpty()) {
        return new Outcome(Result.NONE, "no SPF record for " + domain, null, domain);
      }
      if (spf.size() > 1) {
        throw SpfError.perm("more than one SPF record for " + domain); // §4.5
      }
      SpfRecord record;
      try {
        record = SpfRecord.parse(spf.get(0));
      } catch (SpfError err) {
        throw SpfError.perm("syntax error in the SPF record of " + domain + ": " + err.getMessage());
      }
      for (Mechanism m : record.mechanisms()) {
        if (matches(m, domain)) {
          return new Outcome(m.qualifier().result, domain + ": matched " + m.text(), record, domain);
        }
      }
      if (record.redirect() != null) {
        countDnsTerm("redirect=" + record.redirect());
        String target = expandDomain(record.redirect(), domain);
        Outcome o = checkHost(target);
        if (o.result == Result.NONE) {
          throw SpfError.perm(domain + ": redirect=" + target + " has no SPF record"); // §6.1
        }
        return o; // §6.2: the redirect target's exp= applies, not ours
      }
      return new Outcome(Result.NEUTRAL, domain + ": no mechanism matched", record, domain); // §4.7
    }

    private boolean matches(Mechanism m, String domain) throws SpfError {
      return switch (m) {
        case SpfRecord.All all -> true;
        case SpfRecord.Ip ipm -> ipm.network().length == (v4 ? 4 : 16) && inPrefix(ipm.network(), ipm.prefix());
        case SpfRecord.A a -> {
          countDnsTerm(a.text());
          String target = a.domainSpec() == null ? domain : expandDomain(a.domainSpec(), domain);
          yield DnsNames.isQueryable(target) && addressMatch(target, a.cidr4(), a.cidr6(), true);
        }
        case SpfRecord.Mx mx -> {
          countDnsTerm(mx.text());
          String target = mx.domainSpec() == null ? domain : expandDomain(mx.domainSpec(), domain);
          yield DnsNames.isQueryable(target) && mxMatch(target, mx);
        }
        case SpfRecord.Ptr p -> {
          countDnsTerm(p.text());
          String target = p.domainSpec() == null ? domain : expandDomain(p.domainSpec(), domain);
          yield validatedNames(target, true).stream().anyMatch(n -> isSubdomain(n, target));
        }
        case SpfRecord.Exists ex -> {
          countDnsTerm(ex.text());
          String target = expandDomain(ex.domainSpec(), domain);
          if (!DnsNames.isQueryable(target)) {
            yield false;
          }
          // §5.7: always an A query, whatever the client's address family.
          DnsResult<InetAddress> r = dns.a(target);
          if (r.status() == DnsResult.Status.TEMPFAIL) {
            throw SpfError.temp("DNS error looking up A " + target);
          }
          countVoid(r, target);
          yield !r.records().isEmpty();
        }
        case SpfRecord.Include inc -> {
          countDnsTerm(inc.text());
          String target = expandDomain(inc.domainSpec(), domain);
          Outcome o = checkHost(target);
          // §5.2: pass matches; fail, softfail and neutral do not; none is a permerror.
          if (o.result == Result.NONE) {
            throw SpfError.perm(domain + ": include:" + target + " has no SPF record");
          }
          yield o.result == Result.PASS;
        }
      };
    }

    /** §5.3: A or AAAA (by the client's family) of the target, compared under the CIDR length. */
    private boolean addressMatch(String target, int cidr4, int cidr6, boolean countVoids) throws SpfError {
      DnsResult<InetAddress> r = v4 ? dns.a(target) : dns.aaaa(target);
      if (r.status() == DnsResult.Status.TEMPFAIL) {
        throw SpfError.temp("DNS error looking up " + (v4 ? "A " : "AAAA ") + target);
      }
      if (countVoids) {
        countVoid(r, target);
      }
      for (InetAddress a : r.records()) {
        byte[] b = DnsNames.canonical(a).getAddress();
        if (b.length == (v4 ? 4 : 16) && inPrefix(b, v4 ? cidr4 : cidr6)) {
          return true;
        }
      }
      return false;
    }

    /** §5.4: the addresses of the MX hosts; more than 10 MX records is a permerror (§4.6.4). */
    private boolean mxMatch(String target, SpfRecord.Mx mx) throws SpfError {
      DnsResult<Resolver.Mx> r = dns.mx(target);
      if (r.status() == DnsResult.Status.TEMPFAIL) {
        throw SpfError.temp("DNS error looking up MX " + target);
      }
      countVoid(r, target);
      if (r.records().size() > NAME_LIMIT) {
        throw SpfError.perm(mx.text() + ": " + target + " has more than " + NAME_LIMIT + " MX records");
      }
      List<Resolver.Mx> hosts = new ArrayList<>(r.records());
      hosts.sort(Comparator.comparingInt(Resolver.Mx::preference));
      for (Resolver.Mx h : hosts) {
        // A null MX (RFC 7505) names no host; §5.4 never falls back to the target's own address.
        if (!h.host().isEmpty() && DnsNames.isQueryable(h.host()) && addressMatch(h.host(), mx.cidr4(), mx.cidr6(), false)) {
          return true;
        }
      }
      return false;
    }

    /**
     * §5.5: names from the PTR query (at most 10) whose A/AAAA records include the client address.
     * With {@code filter}, only names at or below {@code target} are validated, which saves lookups
     * without changing the answer. A failing PTR query means no names; a failing address query skips
     * that name.
     */
    private List<String> validatedNames(String target, boolean countVoids) throws SpfError {
      DnsResult<String> r = dns.ptr(ip);
      if (countVoids) {
        countVoid(r, DnsNames.reverseName(ip));
      }
      List<String> out = new ArrayList<>();
      List<String> names = r.records();
      for (String name : names.subList(0, Math.min(NAME_LIMIT, names.size()))) {
        if (target != null && !isSubdomain(name, target)) {
          continue;
        }
        try {
          if (DnsNames.isQueryable(name) && addressMatch(name, 32, 128, false)) {
            out.add(name);
          }
        } catch (SpfError skip) {
          // §5.5: "If a DNS error occurs while doing an A RR lookup, then that domain name is skipped".
        }
      }
      return out;
    }

    /** Counted before the lookup, so the 11th DNS term is a permerror even if it would match. */
    private void countDnsTerm(String term) throws SpfError {
      if (++dnsTerms > DNS_TERM_LIMIT) {
        throw SpfError.perm("more than " + DNS_TERM_LIMIT + " DNS lookups (at " + term + ")");
      }
    }

    private void countVoid(DnsResult<?> r, String target) throws SpfError {
      if (r.isVoid() && ++voids > VOID_LOOKUP_LIMIT) {
        throw SpfError.perm("more than " + VOID_LOOKUP_LIMIT + " void DNS lookups (at " + target + ")");
      }
    }

    private boolean inPrefix(byte[] network, int prefix) {
      byte[] a = ip.getAddress();
      if (a.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (a[full] & mask) == (network[full] & mask);
    }

    /**
     * Expands a domain-spec into a name to query (§7.3): without the trailing dot, and when longer
     * than 253 characters, shortened from the left label by label.
     */
    private String expandDomain(String spec, String domain) throws SpfError {
      String s = SpfMacro.expand(spec, false, letter -> value(letter, domain));
      if (s.endsWith(".")) {
        s = s.substring(0, s.length() - 1);
      }
      while (s.length() > 253 && s.indexOf('.') >= 0) {
        s = s.substring(s.indexOf('.') + 1);
      }
      return s;
    }

    /** §7.2 macro letters. */
    private String value(char letter, String domain) {
      return switch (letter) {
        case 's' -> local + "@" + senderDomain;
        case 'l' -> local;
        case 'o' -> senderDomain;
        case 'd' -> domain;
        case 'i' -> dottedIp();
        case 'p' -> validatedName(domain);
        case 'v' -> v4 ? "in-addr" : "ip6";
        case 'h' -> helo;
        case 'c' -> DnsNames.addressText(ip);
        case 'r' -> receiver;
        case 't' -> Long.toString(clock.instant().getEpochSecond());
        default -> throw new IllegalArgumentException("macro letter " + letter); // SpfMacro checked it
      };
    }

    /** %{i}: dotted quad, or 32 dot-separated nibbles for IPv6 (upper case, like the test suite). */
    private String dottedIp() {
      if (v4) {
        return DnsNames.addressText(ip);
      }
      String hex = HexFormat.of().withUpperCase().formatHex(ip.getAddress());
      StringBuilder sb = new StringBuilder(63);
      for (int i = 0; i < hex.length(); i++) {
        if (i > 0) {
          sb.append('.');
        }
        sb.append(hex.charAt(i));
      }
      return sb.toString();
    }

    /** %{p} (§7.3): a validated name, preferring the domain or one below it; "unknown" if none. */
    private String validatedName(String domain) {
      List<String> names;
      try {
        names = validatedNames(null, false);
      } catch (SpfError cannotHappen) {
        return "unknown"; // only void counting throws, and it is off here
      }
      for (String n : names) {
        if (isSubdomain(n, domain)) {
          return n;
        }
      }
      return names.isEmpty() ? "unknown" : names.get(0);
    }

    /**
     * The explanation for a fail (§6.2): the TXT record exp= points to, macro-expanded. Any problem
     * (DNS error, not exactly one record, bad syntax, non-ASCII) means no explanation; the lookup is
     * outside the §4.6.4 limits.
     */
    Optional<String> explain(Outcome o) {
      if (o.record == null || o.record.exp() == null) {
        return Optional.empty();
      }
      try {
        String target = expandDomain(o.record.exp(), o.domain);
        if (!DnsNames.isQueryable(target)) {
          return Optional.empty();
        }
        DnsResult<String> r = dns.txt(target);
        if (r.status() != DnsResult.Status.OK || r.records().size() != 1) {
          return Optional.empty();
        }
        return Optional.of(SpfMacro.expand(r.records().get(0), true, letter -> value(letter, o.domain)));
      } catch (SpfError bad) {
        return Optional.empty();
      }
    }
  }

  /** §4.3: a domain is malformed with an empty or over-long label, or when it is not multi-label. */
  static boolean isValidDomain(String domain) {
    return DnsNames.isQueryable(domain) && domain.indexOf('.') > 0 && !domain.startsWith("[");
  }

  private static boolean isSubdomain(String name, String domain) {
    String n = DnsNames.normalize(name);
    String d = DnsNames.normalize(domain);
    return n.equals(d) || n.endsWith("." + d);
  }
}
