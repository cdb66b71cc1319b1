package dev.postamt.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.Locale;

/** Small rules about domain names and addresses that every resolver and checker shares. */
public final class DnsNames {
  private DnsNames() {}

  /** Lower case, without the trailing dot: the form names are compared and cached in. */
  public static String normalize(String name) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    return n.toLowerCase(Locale.ROOT);
  }

  /**
   * Whether {@code name} can be put into a DNS query (RFC 1035 §2.3.4): no empty label except the
   * root, labels of at most 63 octets, at most 253 characters without the trailing dot.
   */
  public static boolean isQueryable(String name) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (n.isEmpty() || n.length() > 253) {
      return false;
    }
    int start = 0;
    while (true) {
      int dot = n.indexOf('.', start);
      int end = dot < 0 ? n.length() : dot;
      int len = end - start;
      if (len == 0 || len > 63) {
        return false;
      }
      if (dot < 0) {
        return true;
      }
      start = dot + 1;
    }
  }

  /**
   * The name a PTR query for {@code address} goes to: {@code 4.3.2.1.in-addr.arpa} or the 32
   * reversed nibbles under {@code ip6.arpa}. IPv4-mapped IPv6 addresses count as IPv4.
   */
  public static String reverseName(InetAddress address) {
    byte[] b = canonical(address).getAddress();
    StringBuilder sb = new StringBuilder(b.length == 4 ? 29 : 73);
    if (b.length == 4) {
      for (int i = 3; i >= 0; i--) {
        sb.append(b[i] & 0xff).append('.');
      }
      return sb.append("in-addr.arpa").toString();
    }
    String hex = HexFormat.of().formatHex(b);
    for (int i = hex.length() - 1; i >= 0; i--) {
      sb.append(hex.charAt(i)).append('.');
    }
    return sb.append("ip6.arpa").toString();
  }

  /** The address with an IPv4-mapped IPv6 address (::ffff:a.b.c.d) turned into plain IPv4. */
  public static InetAddress canonical(InetAddress address) {
    if (address instanceof Inet4Address) {
      return address;
    }
    byte[] b = address.getAddress();
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return address;
      }
    }
    if (b[10] != (byte) 0xff || b[11] != (byte) 0xff) {
      return address;
    }
    try {
      return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always a valid address
    }
  }

  /** RFC 5952 text: dotted quad, or lower-case IPv6 with the longest run of zero groups as "::". */
  public static String addressText(InetAddress address) {
    byte[] b = canonical(address).getAddress();
    if (b.length == 4) {
      return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1; // RFC 5952 §4.2.2: a single zero group is not shortened
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }
}
