package dev.postamt.im2000;

import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * A domain's IM2000 advertisement: the TXT record {@code _im2000.DOMAIN} with {@code v=IM2000; n=URL},
 * where {@code URL} is the domain's notify endpoint ({@code https://host[:port]/im2000/notify}). The
 * other endpoints (pull, confirm, feed) are named relative to it. A domain without the record (or with
 * a malformed one) gets its mail by SMTP.
 *
 * @param notifyUrl the notify endpoint
 */
public record Advertisement(URI notifyUrl) {
  /** The DNS name of the record for {@code domain}. */
  static String recordName(String domain) {
    return "_im2000." + domain.toLowerCase(Locale.ROOT);
  }

  /** The base the other endpoints are relative to: the notify URL without its last path segment. */
  public URI base() {
    return notifyUrl.resolve("./");
  }

  /** The advertisement of {@code domain}, if it publishes a valid one (a lookup that fails counts as none). */
  public static Optional<Advertisement> lookup(Resolver dns, String domain) {
    DnsResult<String> txt = dns.txt(recordName(domain));
    for (String t : txt.records()) {
      Optional<Advertisement> a = parse(t);
      if (a.isPresent()) {
        return a;
      }
    }
    return Optional.empty();
  }

  /** Parses {@code v=IM2000; n=https://…}; empty for anything else (other TXT records may share the name). */
  static Optional<Advertisement> parse(String txt) {
    String v = null;
    String n = null;
    for (String part : txt.split(";")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = part.substring(0, eq).strip();
      String value = part.substring(eq + 1).strip();
      if (key.equals("v")) {
        v = value;
      } else if (key.equals("n")) {
        n = value;
      }
    }
    if (!"IM2000".equals(v) || n == null) {
      return Optional.empty();
    }
    try {
      URI u = new URI(n);
      if (!"https".equals(u.getScheme()) || u.getHost() == null || u.getPath() == null || !u.getPath().endsWith("/notify")) {
        return Optional.empty();
      }
      return Optional.of(new Advertisement(u));
    } catch (java.net.URISyntaxException e) {
      return Optional.empty();
    }
  }
}
