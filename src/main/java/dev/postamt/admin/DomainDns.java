package dev.postamt.admin;

import dev.postamt.config.Config;
import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import dev.postamt.mailauth.dkim.DkimKeys;
import dev.postamt.mailauth.dkim.SigningKey;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code postamt domain dns DOMAIN} and the console's DNS table: every record a local domain needs so
 * that other hosts deliver to it, trust its mail and clients find their settings, each checked through
 * the server's configured resolver. What is checked, and the RFC that says why:
 *
 * <ul>
 *   <li>MX at the domain naming this server's hostname, and an A or AAAA record for that host (RFC 5321 §5.1);
 *   <li>one SPF record at the domain (RFC 7208 §3; two are a permerror, §4.5);
 *   <li>a DKIM key record per signing key, at {@code SELECTOR._domainkey.DOMAIN} with our public key
 *       (RFC 6376 §3.6.2.1), compared by its {@code p=} value;
 *   <li>a DMARC record at {@code _dmarc.DOMAIN} (RFC 7489 §6.1);
 *   <li>the client set-up names: {@code autoconfig} and {@code autodiscover} CNAMEs (Thunderbird's and
 *       Outlook's conventions) and SRV records for submission, submissions, imaps and pop3s (RFC 6186
 *       §3, RFC 8314 §5.1) for the services configured in {@code [listen]};
 *   <li>optional: MTA-STS (RFC 8461 §3.1) and TLS-RPT (RFC 8460 §3) TXT records.
 * </ul>
 *
 * <p>A DNS failure is {@link Status#UNKNOWN}, never an error: the table is still shown.
 */
public final class DomainDns {
  private DomainDns() {}

  /** Whether a record is in DNS as this server needs it. */
  public enum Status {
    /** Found, and it says what we need. */
    PUBLISHED,
    /** Something is there, but not what we need ({@link Record#found} says what). */
    DIFFERENT,
    /** Nothing there. */
    MISSING,
    /** DNS did not answer (or cannot be asked for this type). */
    UNKNOWN;

    /** {@code published}, {@code different}, {@code missing}, {@code unknown}. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One record to publish.
   *
   * @param type {@code MX}, {@code TXT}, {@code CNAME}, {@code SRV}, {@code A/AAAA}
   * @param name the owner name, without the trailing dot
   * @param value what to publish (zone-file data)
   * @param purpose a few words on what it is for
   * @param optional whether mail works without it
   * @param found what DNS has now, empty when nothing
   */
  public record Record(String type, String name, String value, String purpose, boolean optional, Status status,
      String found) {}

  /** The records of {@code domain} (a local domain, normalised) for this config. */
  static List<Record> check(Config config, Resolver dns, String domain, List<SigningKey> keys) {
    String host = config.hostname().toLowerCase(Locale.ROOT);
    List<Record> out = new ArrayList<>();
    out.add(mx(dns, domain, host));
    out.add(hostAddress(dns, host));
    out.add(spf(dns, domain));
    if (keys.isEmpty()) {
      out.add(new Record("TXT", "SELECTOR._domainkey." + domain, "(no DKIM key yet: generate one)", "DKIM signing key",
          false, Status.MISSING, ""));
    }
    for (SigningKey k : keys) {
      out.add(dkim(dns, k));
    }
    String dmarcName = "_dmarc." + domain;
    out.add(txt(dns, dmarcName, "v=DMARC1; p=quarantine; rua=mailto:postmaster@" + domain, "DMARC policy", false,
        "v=DMARC1"));
    out.add(cname(dns, "autoconfig." + domain, host, "client set-up (Thunderbird)"));
    out.add(cname(dns, "autodiscover." + domain, host, "client set-up (Outlook)"));
    record Service(String listener, String label, int port) {}
    for (Service s : List.of(new Service("submission", "_submission._tcp.", 587), new Service("smtps", "_submissions._tcp.", 465),
        new Service("imaps", "_imaps._tcp.", 993), new Service("pop3s", "_pop3s._tcp.", 995))) {
      if (config.listen().get(s.listener()).isPresent()) {
        out.add(srv(dns, s.label() + domain, s.port(), host));
      }
    }
    out.add(txt(dns, "_mta-sts." + domain, "v=STSv1; id=" + java.time.LocalDate.now(java.time.ZoneOffset.UTC)
        .toString().replace("-", ""), "MTA-STS policy id (with the policy at https://mta-sts." + domain + ")", true, "v=STSv1"));
    out.add(txt(dns, "_smtp._tls." + domain, config.tlsRpt().record(domain), "TLS reporting (RFC 8460; [tlsrpt] rua)", true,
        "v=TLSRPTv1"));
    return out;
  }

  private static Record mx(Resolver dns, String domain, String host) {
    DnsResult<Resolver.Mx> r = dns.mx(domain);
    String value = "10 " + host + ".";
    return status(r, list -> {
      boolean ours = list.stream().anyMatch(m -> m.host().equalsIgnoreCase(host));
      return ours ? Status.PUBLISHED : Status.DIFFERENT;
    }, m -> m.preference() + " " + m.host() + ".", new Partial("MX", domain, value, "where mail for the domain goes", false));
  }

  private static Record hostAddress(Resolver dns, String host) {
    Partial p = new Partial("A/AAAA", host, "(the public address of this server)", "the MX host's address", false);
    DnsResult<InetAddress> a = dns.a(host);
    DnsResult<InetAddress> aaaa = dns.aaaa(host);
    List<String> found = new ArrayList<>();
    if (a.status() == DnsResult.Status.OK) {
      a.records().forEach(x -> found.add(x.getHostAddress()));
    }
    if (aaaa.status() == DnsResult.Status.OK) {
      aaaa.records().forEach(x -> found.add(x.getHostAddress()));
    }
    if (!found.isEmpty()) {
      return p.with(Status.PUBLISHED, String.join(", ", found));
    }
    boolean unknown = a.status() == DnsResult.Status.TEMPFAIL || aaaa.status() == DnsResult.Status.TEMPFAIL;
    return p.with(unknown ? Status.UNKNOWN : Status.MISSING, "");
  }

  private static Record spf(Resolver dns, String domain) {
    Partial p = new Partial("TXT", domain, "v=spf1 mx -all", "SPF: which hosts send the domain's mail", false);
    DnsResult<String> r = dns.txt(domain);
    if (r.status() == DnsResult.Status.TEMPFAIL) {
      return p.with(Status.UNKNOWN, "");
    }
    List<String> spf = r.records().stream().filter(t -> t.toLowerCase(Locale.ROOT).startsWith("v=spf1")).toList();
    if (spf.isEmpty()) {
      return p.with(Status.MISSING, "");
    }
    if (spf.size() > 1) { // RFC 7208 §4.5: more than one record is a permerror
      return p.with(Status.DIFFERENT, String.join(" | ", spf) + " (more than one SPF record: a permerror)");
    }
    String s = " " + spf.get(0).toLowerCase(Locale.ROOT) + " ";
    boolean namesUs = s.contains(" mx ") || s.contains(" +mx ") || s.contains(" mx:") || s.contains(" a ") || s.contains("include:")
        || s.contains("ip4:") || s.contains("ip6:");
    return p.with(namesUs ? Status.PUBLISHED : Status.DIFFERENT, spf.get(0));
  }

  private static Record dkim(Resolver dns, SigningKey k) {
    String name = k.selector() + "._domainkey." + k.domain();
    String value;
    try {
      value = DkimKeys.txtRecord(k.algorithm(), DkimKeys.publicKey(k.key()));
    } catch (GeneralSecurityException e) {
      return new Record("TXT", name, "(cannot read the key: " + e.getMessage() + ")", "DKIM key " + k.selector(), false,
          Status.UNKNOWN, "");
    }
    Partial p = new Partial("TXT", name, value, "DKIM key " + k.selector() + " (" + k.algorithm().keyType() + ")", false);
    DnsResult<String> r = dns.txt(name);
    if (r.status() == DnsResult.Status.TEMPFAIL) {
      return p.with(Status.UNKNOWN, "");
    }
    if (r.records().isEmpty()) {
      return p.with(Status.MISSING, "");
    }
    String want = publicKeyTag(value);
    boolean same = r.records().stream().anyMatch(t -> publicKeyTag(t).equals(want));
    return p.with(same ? Status.PUBLISHED : Status.DIFFERENT, String.join(" | ", r.records()));
  }

  /** The {@code p=} tag of a key record, white space removed (RFC 6376 §3.6.1 allows folding inside it). */
  static String publicKeyTag(String record) {
    for (String tag : record.split(";")) {
      String t = tag.strip();
      if (t.startsWith("p=")) {
        return t.substring(2).replaceAll("\\s+", "");
      }
    }
    return "";
  }

  private static Record txt(Resolver dns, String name, String value, String purpose, boolean optional, String prefix) {
    Partial p = new Partial("TXT", name, value, purpose, optional);
    DnsResult<String> r = dns.txt(name);
    if (r.status() == DnsResult.Status.TEMPFAIL) {
      return p.with(Status.UNKNOWN, "");
    }
    List<String> ours = r.records().stream().filter(t -> t.regionMatches(true, 0, prefix, 0, prefix.length())).toList();
    if (!ours.isEmpty()) {
      return p.with(Status.PUBLISHED, String.join(" | ", ours));
    }
    return p.with(r.records().isEmpty() ? Status.MISSING : Status.DIFFERENT, String.join(" | ", r.records()));
  }

  private static Record cname(Resolver dns, String name, String host, String purpose) {
    Partial p = new Partial("CNAME", name, host + ".", purpose, false);
    DnsResult<String> r = dns.cname(name);
    if (r.status() == DnsResult.Status.OK && !r.records().isEmpty()) {
      boolean ours = r.records().stream().anyMatch(t -> t.equalsIgnoreCase(host));
      return p.with(ours ? Status.PUBLISHED : Status.DIFFERENT, String.join(", ", r.records()));
    }
    if (r.status() == DnsResult.Status.TEMPFAIL) {
      return p.with(Status.UNKNOWN, "");
    }
    DnsResult<InetAddress> a = dns.a(name); // an A record of its own works as well for the clients
    if (a.status() == DnsResult.Status.OK && !a.records().isEmpty()) {
      return p.with(Status.PUBLISHED, "A " + a.records().get(0).getHostAddress());
    }
    return p.with(Status.MISSING, "");
  }

  private static Record srv(Resolver dns, String name, int port, String host) {
    DnsResult<Resolver.Srv> r = dns.srv(name);
    return status(r, list -> list.stream().anyMatch(s -> s.port() == port && s.target().equalsIgnoreCase(host))
            ? Status.PUBLISHED : Status.DIFFERENT,
        s -> s.priority() + " " + s.weight() + " " + s.port() + " " + (s.target().isEmpty() ? "." : s.target() + "."),
        new Partial("SRV", name, "0 1 " + port + " " + host + ".", "client set-up (RFC 6186)", false));
  }

  private static <T> Record status(DnsResult<T> r, Function<List<T>, Status> judge, Function<T, String> show, Partial p) {
    return switch (r.status()) {
      case TEMPFAIL -> p.with(Status.UNKNOWN, "");
      case NXDOMAIN -> p.with(Status.MISSING, "");
      default -> r.records().isEmpty() ? p.with(Status.MISSING, "")
          : p.with(judge.apply(r.records()), String.join(", ", r.records().stream().map(show).toList()));
    };
  }

  private record Partial(String type, String name, String value, String purpose, boolean optional) {
    Record with(Status s, String found) {
      return new Record(type, name, value, purpose, optional, s, found);
    }
  }
}
