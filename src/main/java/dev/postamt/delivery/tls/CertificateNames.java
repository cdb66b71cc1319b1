package dev.postamt.delivery.tls;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Whether a server certificate names a host, by the rules of RFC 6125 §6.4 as RFC 7672 §3.2.3 and RFC
 * 8461 §4.2 apply them to SMTP: only DNS-IDs of the subject alternative names count (the CN only when
 * there are none), compared case-insensitively, a wildcard only as the whole left-most label and
 * standing for exactly one label ({@code *.example.org} names {@code mx.example.org}, not {@code
 * example.org} or {@code a.b.example.org}).
 */
public final class CertificateNames {
  private CertificateNames() {}

  /** The DNS names of the leaf certificate of {@code chain}. */
  public static List<String> dnsNames(Certificate[] chain) {
    List<String> out = new ArrayList<>();
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return out;
    }
    try {
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (((Integer) san.get(0)) == 2) { // dNSName
            out.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return out;
    }
    if (out.isEmpty()) {
      String dn = leaf.getSubjectX500Principal().getName();
      for (String part : dn.split(",")) {
        if (part.startsWith("CN=")) {
          out.add(part.substring(3).toLowerCase(Locale.ROOT));
        }
      }
    }
    return out;
  }

  /** Whether any of {@code presented} names {@code host}. */
  public static boolean names(List<String> presented, String host) {
    String h = stripDot(host.toLowerCase(Locale.ROOT));
    for (String p : presented) {
      if (matches(stripDot(p), h)) {
        return true;
      }
    }
    return false;
  }

  static boolean matches(String pattern, String host) {
    if (pattern.startsWith("*.")) {
      int dot = host.indexOf('.');
      return dot > 0 && host.substring(dot + 1).equals(pattern.substring(2)) && pattern.indexOf('*', 1) < 0;
    }
    return pattern.equals(host);
  }

  private static String stripDot(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
