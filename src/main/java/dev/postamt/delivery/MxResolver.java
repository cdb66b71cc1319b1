package dev.postamt.delivery;

import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * Turns a destination into the ordered list of addresses to try (RFC 5321 §5.1): the MX hosts by
 * preference, shuffled among equal preferences; the domain's own A/AAAA records when it has no MX; a
 * permanent failure for a null MX (RFC 7505). When we are one of the MX hosts (MX backup for
 * {@code relay_domains}), only hosts more preferred than we are remain.
 */
final class MxResolver {
  /** At most this many addresses per attempt, like Postfix {@code smtp_mx_address_limit}. */
  static final int MAX_ADDRESSES = 5;

  /** One address to try, with the host name it came from (for SNI, logs and Remote-MTA). */
  record Hop(String host, InetSocketAddress address) {}

  /** The addresses to try, or why there are none. */
  sealed interface Hops {
    record Found(List<Hop> hops) implements Hops {}

    /** @param permanent whether the mail should bounce now rather than wait */
    record Failed(boolean permanent, String status, String text) implements Hops {}
  }

  private final Resolver resolver;
  private final String ourHostname;
  private final Predicate<InetSocketAddress> isUs;

  /**
   * @param isUs whether an address is one of our own SMTP listeners (an MX pointing back at us)
   */
  MxResolver(Resolver resolver, String ourHostname, Predicate<InetSocketAddress> isUs) {
    this.resolver = resolver;
    this.ourHostname = ourHostname.toLowerCase(Locale.ROOT);
    this.isUs = isUs;
  }

  /** The hops for {@code domain} by its MX records. */
  Hops byMx(String domain, int port) {
    DnsResult<Resolver.Mx> mx = resolver.mx(domain);
    switch (mx.status()) {
      case TEMPFAIL -> {
        return new Hops.Failed(false, "4.4.3", "Host or domain name lookup failed for " + domain + " (MX)");
      }
      case NXDOMAIN -> {
        return new Hops.Failed(true, "5.1.2", "Host or domain name not found. Name service error for name=" + domain + " type=MX: Host not found");
      }
      case OK -> {}
    }
    if (mx.records().isEmpty()) {
      return byAddress(domain, port); // RFC 5321 §5.1: the implicit MX
    }
    if (mx.records().stream().anyMatch(r -> r.host().isEmpty())) {
      // RFC 7505 §3: a null MX (when it is the only one) says the domain accepts no mail
      return new Hops.Failed(true, "5.1.10", "Recipient address rejected: domain " + domain + " does not accept mail (null MX)");
    }
    Map<Integer, List<String>> byPref = new TreeMap<>();
    for (Resolver.Mx r : mx.records()) {
      byPref.computeIfAbsent(r.preference(), k -> new ArrayList<>()).add(r.host().toLowerCase(Locale.ROOT));
    }
    List<Hop> hops = new ArrayList<>();
    boolean tempFailure = false;
    boolean foundUs = false;
    for (List<String> equal : byPref.values()) {
      Collections.shuffle(equal, ThreadLocalRandom.current());
      List<Hop> level = new ArrayList<>();
      for (String host : equal) {
        if (host.equals(ourHostname)) {
          foundUs = true;
          continue;
        }
        Addresses a = addresses(host, port);
        tempFailure |= a.tempFailure;
        if (a.list.stream().anyMatch(h -> isUs.test(h.address()))) {
          foundUs = true;
          continue;
        }
        level.addAll(a.list);
      }
      if (foundUs) {
        // RFC 5321 §5.1: discard our own preference level and everything less preferred
        break;
      }
      hops.addAll(level);
    }
    if (hops.isEmpty()) {
      if (foundUs) {
        return new Hops.Failed(true, "5.4.6", "mail for " + domain + " loops back to myself");
      }
      if (tempFailure) {
        return new Hops.Failed(false, "4.4.3", "Host or domain name lookup failed for the MX hosts of " + domain);
      }
      return new Hops.Failed(true, "5.4.4", "no address found for any MX host of " + domain);
    }
    return new Hops.Found(hops.subList(0, Math.min(hops.size(), MAX_ADDRESSES)));
  }

  /** The hops for one host by its A and AAAA records ({@code [host]} forms, LMTP, implicit MX). */
  Hops byAddress(String host, int port) {
    InetAddress literal = literal(host);
    if (literal != null) {
      return new Hops.Found(List.of(new Hop(host, new InetSocketAddress(literal, port))));
    }
    Addresses a = addresses(host, port);
    if (!a.list.isEmpty()) {
      return new Hops.Found(a.list);
    }
    if (a.tempFailure) {
      return new Hops.Failed(false, "4.4.3", "Host or domain name lookup failed for " + host);
    }
    return new Hops.Failed(true, "5.1.2", "Host or domain name not found: " + host);
  }

  private record Addresses(List<Hop> list, boolean tempFailure) {}

  private Addresses addresses(String host, int port) {
    List<Hop> out = new ArrayList<>();
    DnsResult<InetAddress> v4 = resolver.a(host);
    DnsResult<InetAddress> v6 = resolver.aaaa(host);
    for (InetAddress a : v4.records()) {
      out.add(new Hop(host, new InetSocketAddress(a, port)));
    }
    for (InetAddress a : v6.records()) {
      out.add(new Hop(host, new InetSocketAddress(a, port)));
    }
    boolean temp = v4.status() == DnsResult.Status.TEMPFAIL || v6.status() == DnsResult.Status.TEMPFAIL;
    return new Addresses(out, temp);
  }

  private static InetAddress literal(String host) {
    if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":")) {
      try {
        return InetAddress.ofLiteral(host.regionMatches(true, 0, "IPv6:", 0, 5) ? host.substring(5) : host);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return null;
  }
}
