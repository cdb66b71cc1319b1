package dev.postamt.delivery.tls;

import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * DANE for SMTP (RFC 7672 with RFC 7671): what a host's TLSA records demand, and whether a presented
 * certificate chain meets them. Only DANE-TA(2) and DANE-EE(3) are usable for SMTP (§3.1.3: PKIX-TA(0)
 * and PKIX-EE(1) are not), with selectors Cert(0) and SPKI(1) and matching types Full(0), SHA2-256(1)
 * and SHA2-512(2).
 *
 * <ul>
 *   <li>DANE-EE(3): the leaf certificate (or its public key) matches; names and dates are not checked
 *       (RFC 7672 §3.1.1).
 *   <li>DANE-TA(2): a certificate of the presented chain matches and the chain from the leaf up to it
 *       validates with it as trust anchor (dates included); the leaf then names the MX host or the
 *       next-hop domain (§3.2.2, §3.2.3).
 * </ul>
 */
public final class Dane {
  private Dane() {}

  /** What the TLSA lookup for one MX host decides (RFC 7672 §2.2). */
  public sealed interface HostPolicy {
    /** No secure TLSA records: DANE does not apply to this host. */
    record None() implements HostPolicy {}

    /** Secure TLSA records, none usable: TLS is still required, without authentication. */
    record Unusable() implements HostPolicy {}

    /** Usable records: authenticated TLS by these records is required. */
    record Usable(List<Resolver.Tlsa> records) implements HostPolicy {}

    /** The lookup failed (not NXDOMAIN or NODATA): the host is not used. */
    record Failed(String why) implements HostPolicy {}
  }

  /** The TLSA records of {@code _PORT._tcp.HOST}, when validated. */
  public static HostPolicy lookup(Resolver dns, String host, int port) {
    Resolver.Secured<Resolver.Tlsa> r = dns.tlsaSecured("_" + port + "._tcp." + host);
    if (r.result().status() == DnsResult.Status.TEMPFAIL) {
      return new HostPolicy.Failed("the TLSA lookup for " + host + " failed");
    }
    if (!r.secure() || r.result().records().isEmpty()) {
      return new HostPolicy.None();
    }
    List<Resolver.Tlsa> usable = r.result().records().stream().filter(Dane::usable).toList();
    return usable.isEmpty() ? new HostPolicy.Unusable() : new HostPolicy.Usable(usable);
  }

  static boolean usable(Resolver.Tlsa t) {
    return (t.usage() == 2 || t.usage() == 3) && (t.selector() == 0 || t.selector() == 1)
        && (t.matchingType() >= 0 && t.matchingType() <= 2);
  }

  /**
   * Whether {@code chain} (leaf first) meets one of {@code records}: empty when it does, else why not.
   *
   * @param names the reference identifiers for DANE-TA (the MX host, the next-hop domain)
   */
  public static Optional<String> verify(List<Resolver.Tlsa> records, Certificate[] chain, List<String> names) {
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
      return Optional.of("no certificate was presented");
    }
    X509Certificate[] x = Arrays.stream(chain).filter(c -> c instanceof X509Certificate).map(c -> (X509Certificate) c)
        .toArray(X509Certificate[]::new);
    for (Resolver.Tlsa t : records) {
      if (t.usage() == 3 && matches(t, x[0])) {
        return Optional.empty();
      }
    }
    for (Resolver.Tlsa t : records) {
      if (t.usage() != 2) {
        continue;
      }
      for (int i = 0; i < x.length; i++) {
        if (matches(t, x[i]) && validUpTo(x, i)) {
          List<String> presented = CertificateNames.dnsNames(chain);
          for (String n : names) {
            if (CertificateNames.names(presented, n)) {
              return Optional.empty();
            }
          }
          return Optional.of("the certificate chains to the DANE-TA trust anchor but names " + presented + ", not " + names);
        }
      }
    }
    return Optional.of("no TLSA record matches the certificate chain");
  }

  /** Whether the chain from the leaf validates up to {@code x[anchor]} used as trust anchor. */
  private static boolean validUpTo(X509Certificate[] x, int anchor) {
    if (anchor == 0) {
      try {
        x[0].checkValidity();
        return true;
      } catch (GeneralSecurityException e) {
        return false;
      }
    }
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      CertPath path = cf.generateCertPath(Arrays.asList(x).subList(0, anchor));
      PKIXParameters p = new PKIXParameters(Set.of(new TrustAnchor(x[anchor], null)));
      p.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX").validate(path, p);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** RFC 6698 §2.1.2–2.1.3: the selected part of {@code c}, as is or hashed, equals the record's data. */
  static boolean matches(Resolver.Tlsa t, X509Certificate c) {
    try {
      byte[] selected = t.selector() == 0 ? c.getEncoded() : c.getPublicKey().getEncoded();
      byte[] want = switch (t.matchingType()) {
        case 0 -> selected;
        case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
        case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
        default -> null;
      };
      return want != null && MessageDigest.isEqual(want, t.data());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
