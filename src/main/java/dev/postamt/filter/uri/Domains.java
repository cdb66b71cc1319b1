package dev.postamt.filter.uri;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Host names as the spam checks compare them: the registered ("organisational") domain of a name, and
 * address literals. The public-suffix handling is deliberately small: a name's registered domain is
 * its last two labels, or its last three under one of the common two-level suffixes below ({@code
 * co.uk}, {@code com.au}, {@code co.jp}, …). Private registries deeper than that ({@code
 * city.kawasaki.jp}) and most hosting suffixes of the full Public Suffix List (a few common ones, {@code
 * blogspot.com}, {@code github.io}, are in the table) are not known, so two
 * customers of one such suffix count as one domain; for the URI lists this asks about the hoster's
 * name, which those lists do not list, so a listed customer is missed rather than a clean one hit.
 */
public final class Domains {
  private static final Set<String> SECOND_LEVEL = Set.of(
      "co.uk", "org.uk", "ac.uk", "gov.uk", "ltd.uk", "plc.uk", "me.uk", "net.uk", "sch.uk", "nhs.uk",
      "com.au", "net.au", "org.au", "edu.au", "gov.au", "asn.au", "id.au",
      "co.nz", "net.nz", "org.nz", "govt.nz", "ac.nz",
      "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "ad.jp", "ed.jp", "gr.jp", "lg.jp",
      "co.kr", "or.kr", "ne.kr", "ac.kr", "go.kr",
      "com.br", "net.br", "org.br", "gov.br", "com.ar", "com.mx", "com.co", "com.pe", "com.ve", "com.uy",
      "com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn", "ac.cn", "com.hk", "net.hk", "org.hk", "com.tw",
      "net.tw", "org.tw", "idv.tw", "com.sg", "net.sg", "org.sg", "edu.sg", "com.my", "net.my", "org.my",
      "co.in", "net.in", "org.in", "firm.in", "gen.in", "ind.in", "ac.in", "co.id", "or.id", "web.id",
      "co.th", "in.th", "ac.th", "com.ph", "com.vn", "com.pk", "com.bd", "com.np", "com.lk",
      "co.za", "org.za", "net.za", "ac.za", "gov.za", "co.ke", "or.ke", "com.ng", "com.eg", "co.il",
      "org.il", "ac.il", "com.tr", "net.tr", "org.tr", "gen.tr", "com.sa", "com.ua", "net.ua", "org.ua",
      "kiev.ua", "com.ru", "net.ru", "org.ru", "msk.ru", "spb.ru", "com.pl", "net.pl", "org.pl", "co.at",
      "or.at", "ac.at", "com.es", "org.es", "com.pt", "com.gr", "com.cy", "co.hu", "com.ro", "org.ro",
      "blogspot.com", "appspot.com", "github.io", "herokuapp.com", "azurewebsites.net",
      "cloudfront.net", "amazonaws.com", "firebaseapp.com", "web.app", "netlify.app", "vercel.app",
      "pages.dev", "workers.dev", "ngrok.io", "duckdns.org", "no-ip.org", "dyndns.org");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}");

  private Domains() {}

  /** Lower case, without brackets and the trailing dot: {@code [192.0.2.1]} is {@code 192.0.2.1}. */
  public static String normalise(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
      if (h.startsWith("ipv6:")) {
        h = h.substring(5);
      }
    }
    while (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }

  /**
   * The registered domain of a host name ({@code www.shop.example.co.uk} → {@code example.co.uk}); an
   * address literal or a single label is returned as it is (normalised).
   */
  public static String registered(String host) {
    String h = normalise(host);
    if (isAddress(h)) {
      return h;
    }
    int last = h.lastIndexOf('.');
    if (last <= 0) {
      return h;
    }
    int second = h.lastIndexOf('.', last - 1);
    if (second < 0) {
      return h;
    }
    if (SECOND_LEVEL.contains(h.substring(second + 1))) {
      int third = h.lastIndexOf('.', second - 1);
      return third < 0 ? h : h.substring(third + 1);
    }
    return h.substring(second + 1);
  }

  /** Whether two names belong to one registered domain. */
  public static boolean sameOrganisation(String a, String b) {
    return !a.isEmpty() && !b.isEmpty() && registered(a).equals(registered(b));
  }

  /** Whether {@code host} is {@code domain} or a name below it. */
  public static boolean within(String host, String domain) {
    String h = normalise(host);
    String d = normalise(domain);
    // h.endsWith("." + d) without the concatenation: the forgery checks ask this some fifty times a message
    return !d.isEmpty() && (h.equals(d)
        || (h.length() > d.length() && h.endsWith(d) && h.charAt(h.length() - d.length() - 1) == '.'));
  }

  /** Whether {@code s} (normalised) is a dotted-quad IPv4 or an IPv6 address literal. */
  public static boolean isAddress(String s) {
    return IPV4.matcher(s).matches() || (s.indexOf(':') >= 0 && parse(s) != null);
  }

  /** The address an IPv4 dotted quad or IPv6 literal denotes, without any DNS; null when it is none. */
  public static InetAddress parse(String literal) {
    String s = normalise(literal);
    if (s.isEmpty() || s.length() > 45) {
      return null;
    }
    if (s.indexOf(':') < 0) {
      if (!IPV4.matcher(s).matches()) {
        return null;
      }
      String[] p = s.split("\\.");
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        int v = Integer.parseInt(p[i]);
        if (v > 255) {
          return null;
        }
        b[i] = (byte) v;
      }
      try {
        return InetAddress.getByAddress(b);
      } catch (java.net.UnknownHostException e) {
        return null;
      }
    }
    if (!s.matches("[0-9a-f:.]+")) {
      return null;
    }
    try {
      return InetAddress.ofLiteral(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** What kind of address this is where that matters for mail: reserved ranges never relay mail. */
  public enum Scope {
    /** Routable on the Internet. */
    PUBLIC,
    /** Loopback: a content filter or list manager on the same machine. */
    LOOPBACK,
    /** RFC 1918, RFC 6598 shared space, IPv6 unique-local, link-local: a relay inside one site. */
    PRIVATE,
    /** Documentation (RFC 5737, RFC 3849), "this network" 0/8, multicast, class E, broadcast: never a real peer. */
    BOGUS
  }

  /** The scope of an address (IPv4-mapped IPv6 as IPv4). */
  public static Scope scope(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length == 16 && isMapped(b)) {
      b = new byte[] {b[12], b[13], b[14], b[15]};
    }
    if (b.length == 4) {
      int o0 = b[0] & 0xff;
      int o1 = b[1] & 0xff;
      int o2 = b[2] & 0xff;
      if (o0 == 127) {
        return Scope.LOOPBACK;
      }
      if (o0 == 10 || (o0 == 172 && o1 >= 16 && o1 < 32) || (o0 == 192 && o1 == 168) || (o0 == 169 && o1 == 254)
          || (o0 == 100 && o1 >= 64 && o1 < 128)) {
        return Scope.PRIVATE;
      }
      if (o0 == 0 || o0 >= 224 || (o0 == 192 && o1 == 0 && o2 == 2) || (o0 == 198 && o1 == 51 && o2 == 100)
          || (o0 == 203 && o1 == 0 && o2 == 113)) {
        return Scope.BOGUS;
      }
      return Scope.PUBLIC;
    }
    if (a.isLoopbackAddress()) {
      return Scope.LOOPBACK;
    }
    if (a.isLinkLocalAddress() || (b[0] & 0xfe) == 0xfc) {
      return Scope.PRIVATE;
    }
    if (a.isAnyLocalAddress() || a.isMulticastAddress() || ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01
        && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8)) {
      return Scope.BOGUS;
    }
    return Scope.PUBLIC;
  }

  private static boolean isMapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }
}
