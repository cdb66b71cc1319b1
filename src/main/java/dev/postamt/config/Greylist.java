package dev.postamt.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code [greylist]}: postgrey's greylisting, where {@code check_greylist} stands in a {@code [policy]}
 * list (the default recipient list ends with it).
 *
 * @param delay how long a new triplet is deferred (postgrey {@code --delay})
 * @param retryWindow how long after the first attempt a retry still counts; later it starts over
 *     (postgrey {@code --max-age}-like)
 * @param expire entries unused this long are forgotten (postgrey {@code --max-age}, 35 days)
 * @param autoWhitelistAfter a client network is whitelisted after this many triplets passed (postgrey
 *     {@code --auto-whitelist-clients}); 0 turns it off
 * @param clients whitelisted clients: address blocks, or domain names matched against the verified
 *     reverse name, a leading dot for the subdomains only ({@code .example.org})
 * @param recipients whitelisted recipients: {@code user@domain}, {@code domain}, or {@code user@}
 * @param ipv4Prefix, ipv6Prefix the client network of a triplet (postgrey's /24; /64 for IPv6)
 */
public record Greylist(
    boolean enabled,
    Duration delay,
    Duration retryWindow,
    Duration expire,
    int autoWhitelistAfter,
    List<Cidr> clientNetworks,
    List<String> clientDomains,
    List<String> recipients,
    int ipv4Prefix,
    int ipv6Prefix) {
  static Greylist parse(ConfigReader r) {
    r.allowKeys(
        "greylist",
        "enabled",
        "delay",
        "retry_window",
        "expire",
        "auto_whitelist_after",
        "whitelist_clients",
        "whitelist_recipients",
        "ipv4_prefix",
        "ipv6_prefix");
    boolean enabled = r.bool("greylist.enabled", false);
    Duration delay = r.duration("greylist.delay", Duration.ofMinutes(5), Duration.ZERO, Duration.ofDays(1));
    Duration window = r.duration("greylist.retry_window", Duration.ofDays(2), Duration.ofMinutes(1), Duration.ofDays(30));
    Duration expire = r.duration("greylist.expire", Duration.ofDays(35), Duration.ofHours(1), Duration.ofDays(3650));
    if (window.compareTo(delay) <= 0) {
      r.error("greylist.retry_window", "must be longer than greylist.delay");
    }
    int awl = r.integer("greylist.auto_whitelist_after", 5, 0, 1_000_000);
    List<Cidr> networks = new ArrayList<>();
    List<String> domains = new ArrayList<>();
    for (String c : r.strings("greylist.whitelist_clients", List.of())) {
      String s = c.trim().toLowerCase(Locale.ROOT);
      if (s.matches("[0-9a-f:.]+(/\\d+)?") && (s.contains(":") || s.matches("[0-9./]+"))) {
        try {
          networks.add(Cidr.parse(s));
        } catch (IllegalArgumentException e) {
          r.error("greylist.whitelist_clients", e.getMessage());
        }
      } else if (s.matches("\\.?[a-z0-9_]([a-z0-9_.-]*[a-z0-9])?")) {
        domains.add(s);
      } else {
        r.error("greylist.whitelist_clients", "\"" + c + "\" is neither an address block nor a domain name");
      }
    }
    List<String> rcpts = new ArrayList<>();
    for (String a : r.strings("greylist.whitelist_recipients", List.of())) {
      String s = a.trim().toLowerCase(Locale.ROOT);
      if (s.isEmpty() || s.chars().anyMatch(ch -> ch <= ' ')) {
        r.error("greylist.whitelist_recipients", "\"" + a + "\" is not an address, user@ or domain");
      } else {
        rcpts.add(s);
      }
    }
    return new Greylist(
        enabled,
        delay,
        window,
        expire,
        awl,
        List.copyOf(networks),
        List.copyOf(domains),
        List.copyOf(rcpts),
        r.integer("greylist.ipv4_prefix", 24, 8, 32),
        r.integer("greylist.ipv6_prefix", 64, 16, 128));
  }
}
