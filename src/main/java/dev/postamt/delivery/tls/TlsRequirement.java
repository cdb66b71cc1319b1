package dev.postamt.delivery.tls;

import dev.postamt.config.TlsPolicy;
import java.util.List;
import java.util.Locale;

/**
 * What one delivery demands of TLS: the level and, for a verified level, which names the certificate
 * must carry — the MX host as DNS gave it ({@code verify}, MTA-STS with the MX already matched against
 * the policy), or the next-hop domain and its subdomains ({@code secure}, Postfix's default match
 * {@code nexthop:dot-nexthop}) — and where the demand came from ({@code tls_policy}, {@code mta-sts} or
 * the default), for the deferral text and the log.
 *
 * @param nexthop the domain or relay host the demand is for
 */
public record TlsRequirement(TlsPolicy.Level level, String nexthop, String source, java.util.Map<String, Dane.HostPolicy> dane) {
  public TlsRequirement(TlsPolicy.Level level, String nexthop, String source) {
    this(level, nexthop, source, java.util.Map.of());
  }

  /** Opportunistic TLS: what a destination without a policy gets. */
  public static TlsRequirement opportunistic(String nexthop) {
    return new TlsRequirement(TlsPolicy.Level.MAY, nexthop, "default");
  }

  /** What DANE decided for {@code host}: {@code None} when DANE does not apply. */
  public Dane.HostPolicy daneFor(String host) {
    return dane.getOrDefault(host.toLowerCase(Locale.ROOT), new Dane.HostPolicy.None());
  }

  /**
   * Whether a certificate presenting {@code dnsNames} satisfies this demand on a connection to
   * {@code mxHost}; always true for the levels that do not verify.
   */
  public boolean satisfiedBy(List<String> dnsNames, String mxHost) {
    return switch (level) {
      case NONE, MAY, ENCRYPT, DANE, DANE_ONLY -> true; // DANE is checked against its records, not by name
      case VERIFY -> CertificateNames.names(dnsNames, mxHost);
      case SECURE -> {
        String d = nexthop.toLowerCase(Locale.ROOT);
        boolean ok = CertificateNames.names(dnsNames, d);
        for (String n : dnsNames) {
          String bare = n.startsWith("*.") ? n.substring(2) : n;
          ok |= bare.endsWith("." + d);
        }
        yield ok;
      }
    };
  }

  /** What a verified certificate must name, for messages. */
  public String expected(String mxHost) {
    return level == TlsPolicy.Level.SECURE ? nexthop + " or a subdomain of it" : mxHost;
  }

  /**
   * For connection-cache keys: a connection made under a weaker demand never serves a stronger one, and
   * one verified for {@code mxHost} (its name for {@code verify}, its TLSA records for DANE) never serves
   * another MX name on the same address, whose own check could fail (two domains' MX hosts on one IP).
   */
  public String key(String mxHost) {
    return level.word() + ":" + mxHost.toLowerCase(Locale.ROOT) + (level == TlsPolicy.Level.SECURE ? ":" + nexthop : "");
  }
}
