package dev.postamt.ban;

import dev.postamt.config.Ban;
import dev.postamt.config.Cidr;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is banned, and when to ban: fail2ban built in, for every protocol at once.
 *
 * <p>A client is an IPv4 address or an IPv6 /64 (one IPv6 host usually holds a whole /64 and could
 * otherwise change address for every guess). {@link #authFailed} counts its failed logins; the {@code
 * ban.auth_failures}th within {@code ban.window} bans it for {@code ban.duration}, and each ban of a
 * network whose previous ban ended less than {@code ban.max_duration} ago lasts twice as long as that
 * one, capped at {@code ban.max_duration} (10m, 20m, 40m, … 7d). Clients in {@code relay.networks} or
 * {@code ban.allow} are never banned, and a ban covering them is not enforced.
 *
 * <p>{@link #refusal} is asked at every connection: it reads an immutable snapshot of the bans (no SQL,
 * no lock); writes replace the snapshot. Each ban is logged once ({@code ban: added ip=… for=…
 * reason=…}), each refused client at most once a minute ({@code ban: refused ip=…}).
 */
public final class Bans {
  private static final Logger log = LoggerFactory.getLogger(Bans.class);
  static final int MAX_KEYS = 100_000;
  private static final Duration LOG_EVERY = Duration.ofMinutes(1);

  private final BanList store;
  private final Clock clock;
  private volatile Ban config;
  private volatile List<Cidr> allow;
  /** Every stored row (ended ones too, for the doubling), by network key; replaced, never changed. */
  private volatile Map<String, BanList.Entry> snapshot = Map.of();
  /** The rows whose network is a block other than an IPv4 /32 or an IPv6 /64 (added by hand), parsed. */
  private volatile List<Block> blocks = List.of();
  private final ConcurrentHashMap<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Deque<Instant>> rejections = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Instant> lastLogged = new ConcurrentHashMap<>();

  private record Block(Cidr cidr, BanList.Entry entry) {}

  /** With the stored bans read at once. */
  public Bans(BanList store, Ban config, List<Cidr> relayNetworks, Clock clock) {
    this.store = store;
    this.clock = clock;
    configure(config, relayNetworks);
    reload();
    store.onChange(this::reload);
  }

  /** Takes a reloaded {@code [ban]} section and relay networks; counts and bans stay. */
  public void configure(Ban config, List<Cidr> relayNetworks) {
    List<Cidr> a = new ArrayList<>(relayNetworks);
    a.addAll(config.allow());
    this.allow = List.copyOf(a);
    this.config = config;
  }

  /**
   * Reads the stored bans again ({@code postamt ban add|remove} wrote them) and forgets rows that ended
   * longer than {@code ban.max_duration} ago; how many bans hold now. A store that cannot be read keeps
   * the bans known so far.
   */
  public synchronized int reload() {
    Instant now = clock.instant();
    List<BanList.Entry> rows;
    try {
      store.forgetEndedBefore(now.minus(config.maxDuration()));
      rows = store.all();
    } catch (BanList.Failure e) {
      log.error("ban: {}; the bans known so far stay", e.getMessage());
      return (int) snapshot.values().stream().filter(x -> x.activeAt(now)).count();
    }
    Map<String, BanList.Entry> m = new HashMap<>();
    rows.forEach(e -> m.put(e.network(), e));
    publish(m);
    return (int) rows.stream().filter(x -> x.activeAt(now)).count();
  }

  private void publish(Map<String, BanList.Entry> m) {
    List<Block> b = new ArrayList<>();
    for (BanList.Entry e : m.values()) {
      if (e.network().contains("/") && !e.network().endsWith("/64")) {
        b.add(new Block(Cidr.parse(e.network()), e));
      }
    }
    snapshot = Map.copyOf(m);
    blocks = List.copyOf(b);
  }

  /** The ban holding for {@code client} now, if any (allowlisted clients have none). */
  public Optional<BanList.Entry> banned(InetAddress client) {
    if (client == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    BanList.Entry e = snapshot.get(key(client));
    if (e == null || !e.activeAt(now)) {
      e = null;
      for (Block b : blocks) {
        if (b.entry().activeAt(now) && b.cidr().contains(client)) {
          e = b.entry();
          break;
        }
      }
    }
    if (e == null || allowed(client)) {
      return Optional.empty();
    }
    return Optional.of(e);
  }

  /**
   * What a new connection from {@code client} to {@code service} is told when it is banned (the
   * protocol wraps it in its refusal), or null to serve it.
   */
  public String refusal(InetAddress client, String service) {
    Optional<BanList.Entry> e = banned(client);
    if (e.isEmpty()) {
      return null;
    }
    Instant now = clock.instant();
    String k = e.get().network();
    Instant last = lastLogged.get(k);
    if (last == null || !last.plus(LOG_EVERY).isAfter(now)) {
      if (lastLogged.size() >= MAX_KEYS) {
        lastLogged.clear();
      }
      lastLogged.put(k, now);
      log.info("ban: refused ip={} service={} ban={} until={}", client.getHostAddress(), service, k, until(e.get()));
    }
    return e.get().until().map(u -> "client " + client.getHostAddress() + " is banned until " + u)
        .orElse("client " + client.getHostAddress() + " is banned");
  }

  /** A failed login from {@code client} in any protocol; the one that reaches the limit bans it. */
  public void authFailed(InetAddress client) {
    Ban c = config;
    if (client == null || !c.enabled() || allowed(client) || banned(client).isPresent()) {
      return;
    }
    String k = key(client);
    int n = record(failures, k, c.window(), c.authFailures());
    if (n >= c.authFailures()) {
      failures.remove(k);
      ban(k, "auth failures: " + n + " in " + render(c.window()));
    }
  }

  /**
   * A refusal of {@code client} by the MX port's policy (an invalid recipient, a DNS-listed client, a
   * pregreet); the {@code ban.policy_rejections}th within {@code ban.window} bans it like failed
   * logins do (0: never).
   */
  public void policyRejected(InetAddress client) {
    Ban c = config;
    if (client == null || !c.enabled() || c.policyRejections() == 0 || allowed(client) || banned(client).isPresent()) {
      return;
    }
    String k = key(client);
    int n = record(rejections, k, c.window(), c.policyRejections());
    if (n >= c.policyRejections()) {
      rejections.remove(k);
      ban(k, "policy rejections: " + n + " in " + render(c.window()));
    }
  }

  /** How many failed logins {@code client}'s network has within the window (tests, status). */
  public int failures(InetAddress client) {
    Deque<Instant> d = failures.get(key(client));
    if (d == null) {
      return 0;
    }
    synchronized (d) {
      prune(d, config.window());
      return d.size();
    }
  }

  /** Bans network {@code k} automatically, for the base time doubled per recent earlier ban. */
  private synchronized BanList.Entry ban(String k, String reason) {
    Ban c = config;
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS); // as stored
    BanList.Entry prev = snapshot.get(k);
    int count = prev != null && prev.until().isPresent() && prev.until().get().plus(c.maxDuration()).isAfter(now)
        ? prev.count() + 1 : 1;
    Duration d = banTime(c.duration(), c.maxDuration(), count);
    return save(new BanList.Entry(k, now, Optional.of(now.plus(d)), reason, count));
  }

  /** The length of the {@code count}th ban in a row: {@code base} doubled per earlier ban, at most {@code max}. */
  static Duration banTime(Duration base, Duration max, int count) {
    int shift = Math.min(Math.max(count - 1, 0), 40);
    long s = base.toSeconds();
    if (shift > 0 && s > (Long.MAX_VALUE >> shift)) {
      return max;
    }
    Duration d = Duration.ofSeconds(s << shift);
    return d.compareTo(max) > 0 ? max : d;
  }

  /**
   * Bans {@code target} (an address or block, {@link #normalise}d) by hand, for {@code length} (empty:
   * permanent).
   *
   * @throws IllegalArgumentException when it is not an address or block, or lies in the allowlist
   */
  public synchronized BanList.Entry add(String target, Optional<Duration> length, String reason) {
    String k = normalise(target);
    Cidr block = Cidr.parse(k.contains("/") ? k : k + (k.contains(":") ? "/128" : "/32"));
    for (Cidr a : allow) {
      if (a.contains(address(block.network()))) {
        throw new IllegalArgumentException(k + " is in the allowlist (relay.networks or ban.allow); it is never banned");
      }
    }
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS); // as stored
    BanList.Entry prev = snapshot.get(k);
    int count = prev == null ? 1 : prev.count() + 1;
    return save(new BanList.Entry(k, now, length.map(now::plus), reason, count));
  }

  private BanList.Entry save(BanList.Entry e) {
    try {
      store.put(e);
    } catch (BanList.Failure ex) {
      log.error("ban: {}; the ban of {} holds until the server stops", ex.getMessage(), e.network());
    }
    Map<String, BanList.Entry> m = new HashMap<>(snapshot);
    m.put(e.network(), e);
    publish(m);
    lastLogged.remove(e.network());
    log.info("ban: added ip={} for={} reason={}", e.network(),
        e.until().map(u -> render(Duration.between(e.since(), u))).orElse("permanent"), e.reason());
    return e;
  }

  /** Lifts the ban of {@code target} (as {@link #normalise} reads it) and forgets its failures; whether there was one. */
  public synchronized boolean remove(String target) {
    String k = normalise(target);
    boolean had = store.remove(k);
    Map<String, BanList.Entry> m = new HashMap<>(snapshot);
    had |= m.remove(k) != null;
    publish(m);
    failures.remove(k);
    rejections.remove(k);
    if (had) {
      log.info("ban: removed ip={}", k);
    }
    return had;
  }

  /** The bans holding now, the longest-standing first. */
  public List<BanList.Entry> active() {
    Instant now = clock.instant();
    return snapshot.values().stream().filter(e -> e.activeAt(now))
        .sorted(Comparator.comparing(BanList.Entry::since).thenComparing(BanList.Entry::network)).toList();
  }

  /** The control socket's {@code ban-reload} (sent by {@code postamt ban add|remove}): {@code ok N}. */
  public Optional<String> answer(String verb, String argument) {
    return verb.equals("ban-reload") ? Optional.of("ok " + reload()) : Optional.empty();
  }

  private boolean allowed(InetAddress client) {
    for (Cidr a : allow) {
      if (a.contains(client)) {
        return true;
      }
    }
    return false;
  }

  private int record(ConcurrentHashMap<String, Deque<Instant>> failures, String k, Duration window, int keep) {
    if (failures.size() >= MAX_KEYS && !failures.containsKey(k)) {
      shrink(failures, window);
    }
    Deque<Instant> d = failures.computeIfAbsent(k, x -> new ArrayDeque<>());
    synchronized (d) {
      prune(d, window);
      d.addLast(clock.instant());
      while (d.size() > keep) {
        d.removeFirst();
      }
      return d.size();
    }
  }

  private void shrink(ConcurrentHashMap<String, Deque<Instant>> failures, Duration window) {
    failures.forEach((k, d) -> {
      synchronized (d) {
        prune(d, window);
        if (d.isEmpty()) {
          failures.remove(k, d);
        }
      }
    });
    Iterator<String> it = failures.keySet().iterator();
    while (failures.size() >= MAX_KEYS && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  private void prune(Deque<Instant> d, Duration window) {
    Instant cutoff = clock.instant().minus(window);
    while (!d.isEmpty() && !d.peekFirst().isAfter(cutoff)) {
      d.removeFirst();
    }
  }

  /** The network a client is counted and banned under: the IPv4 address, or the IPv6 /64 ({@code 2001:db8::/64}). */
  public static String key(InetAddress a) {
    byte[] b = a.getAddress();
    if (a instanceof Inet6Address && isV4Mapped(b)) {
      b = java.util.Arrays.copyOfRange(b, 12, 16);
    }
    if (b.length == 4) {
      return address(b).getHostAddress();
    }
    java.util.Arrays.fill(b, 8, 16, (byte) 0);
    return text6(b) + "/64";
  }

  /** An IPv6 address in RFC 5952 form: lower case, the longest run of two or more zero groups as {@code ::}. */
  static String text6(byte[] b) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestAt = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestAt = i;
        bestLen = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestAt) {
        s.append("::");
        i += bestLen - 1;
        continue;
      }
      if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(g[i]));
    }
    return s.toString();
  }

  /**
   * The key for an address or block an administrator names: an IPv4 address stays itself, an IPv6
   * address or any IPv6 block of /64 or longer becomes its /64, another block its masked network
   * ({@code 198.51.100.7/24} → {@code 198.51.100.0/24}).
   *
   * @throws IllegalArgumentException when {@code text} is neither
   */
  public static String normalise(String text) {
    Cidr c;
    try {
      c = Cidr.parse(text == null ? "" : text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not an IP address or address block like 192.0.2.0/24");
    }
    byte[] b = c.network().clone();
    int prefix = c.prefix();
    if (b.length == 16 && prefix >= 64) {
      return key(address(b));
    }
    if (b.length == 4 && prefix == 32) {
      return address(b).getHostAddress();
    }
    for (int i = 0; i < b.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - 8 * i));
      b[i] &= (byte) (0xff << (8 - keep));
    }
    if (b.length == 16) {
      return text6(b) + "/" + prefix;
    }
    return address(b).getHostAddress() + "/" + prefix;
  }

  private static boolean isV4Mapped(byte[] b) {
    if (b.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  private static InetAddress address(byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 4 or 16 bytes are always an address
    }
  }

  private static String until(BanList.Entry e) {
    return e.until().map(Instant::toString).orElse("permanent");
  }

  /** A duration as the config writes it: 90s, 10m, 2h, 7d. */
  public static String render(Duration d) {
    long s = d.toSeconds();
    if (s % 86_400 == 0 && s > 0) {
      return s / 86_400 + "d";
    }
    if (s % 3600 == 0 && s > 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0 && s > 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
