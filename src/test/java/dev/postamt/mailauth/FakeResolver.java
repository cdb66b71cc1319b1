package dev.postamt.mailauth;

import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** An in-memory resolver for tests: TXT records by name; other names are NXDOMAIN. */
public final class FakeResolver implements Resolver {
  private final Map<String, List<String>> txt = new ConcurrentHashMap<>();
  private final Set<String> tempfail = ConcurrentHashMap.newKeySet();
  private final List<String> queries = new ArrayList<>();

  public FakeResolver txt(String name, String... records) {
    txt.computeIfAbsent(norm(name), k -> new ArrayList<>()).addAll(List.of(records));
    return this;
  }

  public FakeResolver tempfail(String name) {
    tempfail.add(norm(name));
    return this;
  }

  /** Names asked for, in order. */
  public synchronized List<String> queries() {
    return List.copyOf(queries);
  }

  private static String norm(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  @Override
  public synchronized DnsResult<String> txt(String name) {
    queries.add(norm(name));
    if (tempfail.contains(norm(name))) {
      return DnsResult.tempfail();
    }
    List<String> r = txt.get(norm(name));
    return r == null ? DnsResult.nxdomain() : DnsResult.ok(r);
  }

  @Override
  public DnsResult<InetAddress> a(String name) {
    return DnsResult.nxdomain();
  }

  @Override
  public DnsResult<InetAddress> aaaa(String name) {
    return DnsResult.nxdomain();
  }

  @Override
  public DnsResult<Mx> mx(String name) {
    return DnsResult.nxdomain();
  }

  @Override
  public DnsResult<String> ptr(InetAddress address) {
    return DnsResult.nxdomain();
  }

  @Override
  public DnsResult<String> cname(String name) {
    return DnsResult.nxdomain();
  }

  @Override
  public DnsResult<Tlsa> tlsa(String name) {
    return DnsResult.nxdomain();
  }
}
