package dev.postamt.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * The whole configuration as typed records. Every value has a safe default and, where it makes sense,
 * bounds; {@link #load} reports every problem at once, each naming its key.
 *
 * <p>Relative paths ({@code data_dir}, {@code aliases_file}, {@code dns.zone_file}, {@code tls.*}) are
 * resolved against the directory of the config file, or the working directory when there is none.
 */
public record Config(
    Path source,
    String hostname,
    Path dataDir,
    Optional<Path> aliasesFile,
    Listen listen,
    Relay relay,
    Delivery delivery,
    Dns dns,
    Tls tls,
    Limits limits,
    Queue queue,
    MailAuth mailauth,
    Map<String, TransportRule> transport,
    Store store) {

  /** Services and the addresses they listen on; an absent key disables that service. */
  public record Listen(Map<String, InetSocketAddress> services) {
    public static final List<String> KNOWN =
        List.of("smtp", "submission", "smtps", "imap", "imaps", "pop3", "pop3s", "http", "lmtp");

    public Optional<InetSocketAddress> get(String service) {
      return Optional.ofNullable(services.get(service));
    }
  }

  /**
   * Like Postfix {@code mynetworks}, {@code relayhost} and {@code relay_domains}. With a relayhost
   * user, the password comes from {@code relayhost_password} or, read at each use, from the first line
   * of {@code relayhost_password_file}.
   */
  public record Relay(
      List<Cidr> networks,
      Optional<String> relayhost,
      List<String> relayDomains,
      Optional<String> relayhostUser,
      Optional<String> relayhostPassword,
      Optional<Path> relayhostPasswordFile) {
    public Relay(List<Cidr> networks, Optional<String> relayhost, List<String> relayDomains) {
      this(networks, relayhost, relayDomains, Optional.empty(), Optional.empty(), Optional.empty());
    }
  }

  /**
   * Outbound SMTP. The time-outs are those of RFC 5321 §4.5.3.2: {@code commandTimeout} for the
   * greeting and every command reply, {@code dataInitTimeout} for the 354, {@code dataBlockTimeout} for
   * each write of message data, {@code dataEndTimeout} for the reply to the final dot.
   */
  public record Delivery(
      int remotePort,
      boolean allowForwardCommands,
      Duration connectTimeout,
      Duration commandTimeout,
      Duration dataInitTimeout,
      Duration dataBlockTimeout,
      Duration dataEndTimeout,
      Duration connectionCacheTime) {
    public Delivery(int remotePort, boolean allowForwardCommands) {
      this(
          remotePort,
          allowForwardCommands,
          Duration.ofSeconds(30),
          Duration.ofMinutes(5),
          Duration.ofMinutes(2),
          Duration.ofMinutes(3),
          Duration.ofMinutes(10),
          Duration.ofSeconds(2));
    }
  }

  /** With {@code zoneFile} present, DNS answers come from that RFC 1035 master file only. */
  public record Dns(Optional<Path> zoneFile, List<String> servers, Duration timeout) {}

  /** PEM certificate chain and private key; when absent a self-signed pair is made in data_dir. */
  public record Tls(Optional<Path> certificate, Optional<Path> privateKey) {}

  public record Limits(
      long messageSize,
      int recipients,
      int lineLength,
      int errors,
      Duration idleTimeout,
      int connections,
      int connectionsPerIp,
      int authFailures,
      int authFailuresPerIp,
      Duration authCacheTtl,
      Duration commandDeadline) {}

  /**
   * @param delayWarning after this long in the queue a delay notice is sent (NOTIFY=DELAY or no
   *     NOTIFY); zero turns delay notices off
   * @param postmaster where bounces that cannot be delivered go (double bounces)
   * @param bounceSizeLimit failure notices return the whole message up to this size, else its headers
   */
  public record Queue(
      List<Duration> retry,
      Duration maxLifetime,
      Duration delayWarning,
      int parallel,
      int perDestination,
      String postmaster,
      long bounceSizeLimit) {
    public Queue(List<Duration> retry, Duration maxLifetime, Duration delayWarning, int parallel, int perDestination) {
      this(retry, maxLifetime, delayWarning, parallel, perDestination, "postmaster", 50_000);
    }
  }

  /** Inbound authentication policy: whether a DMARC p=reject failure is refused at end of DATA. */
  public record MailAuth(boolean rejectDmarcFailures, boolean addAuthenticationResults) {}

  /**
   * The mail store. {@code quota} (bytes) and {@code quotaMessages} are the per-user limits for users
   * without their own ({@code postamt user quota}); 0 means unlimited.
   */
  public record Store(long quota, long quotaMessages) {}

  public static final Path DEFAULT_FILE = Path.of("postamt.toml");

  /** The configuration a missing default file stands for. */
  public static Config defaults() {
    try {
      return parse(Toml.parse(""), null, Path.of("").toAbsolutePath());
    } catch (ConfigException e) {
      throw new IllegalStateException("defaults must be valid", e);
    }
  }

  /**
   * Loads {@code file}. When {@code explicit} is false and the file does not exist, the defaults are
   * used (that is what {@code ./postamt serve} on a fresh clone does).
   */
  public static Config load(Path file, boolean explicit) throws ConfigException {
    if (!Files.exists(file)) {
      if (explicit) {
        throw new ConfigException(List.of("config file " + file + " does not exist"));
      }
      return defaults();
    }
    TomlParseResult toml;
    try {
      toml = Toml.parse(file);
    } catch (java.io.IOException e) {
      throw new ConfigException(List.of("cannot read " + file + ": " + e.getMessage()));
    }
    if (toml.hasErrors()) {
      List<String> errs = new ArrayList<>();
      toml.errors().forEach(e -> errs.add(file + ":" + e.position().line() + ": " + e.getMessage()));
      throw new ConfigException(errs);
    }
    Path base = file.toAbsolutePath().getParent();
    return parse(toml, file.toAbsolutePath(), base);
  }

  private static Config parse(TomlTable toml, Path source, Path base) throws ConfigException {
    Reader r = new Reader(toml, base);
    r.allowKeys(
        "",
        "hostname",
        "data_dir",
        "aliases_file",
        "listen",
        "relay",
        "delivery",
        "dns",
        "tls",
        "limits",
        "queue",
        "mailauth",
        "transport",
        "store");
    String hostname = r.string("hostname", defaultHostname());
    if (!hostname.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
      r.error("hostname", "must be a DNS name, got \"" + hostname + "\"");
    }
    Path dataDir = r.path("data_dir").orElse(base.resolve("data"));
    Optional<Path> aliases = r.path("aliases_file");

    r.allowKeys("listen", Listen.KNOWN.toArray(String[]::new));
    Map<String, InetSocketAddress> services = new LinkedHashMap<>();
    boolean listenGiven = toml.isTable("listen");
    for (String svc : Listen.KNOWN) {
      String def = listenGiven ? null : defaultListen(svc);
      String v = r.string("listen." + svc, def);
      if (v != null && !v.isEmpty()) {
        InetSocketAddress a = parseAddress(v);
        if (a == null) {
          r.error("listen." + svc, "must be \"address:port\" with port 0-65535, got \"" + v + "\"");
        } else {
          services.put(svc, a);
        }
      }
    }

    r.allowKeys(
        "relay",
        "networks",
        "relayhost",
        "relay_domains",
        "relayhost_user",
        "relayhost_password",
        "relayhost_password_file");
    List<Cidr> networks = new ArrayList<>();
    for (String n : r.strings("relay.networks", List.of("127.0.0.0/8", "::1/128"))) {
      try {
        networks.add(Cidr.parse(n));
      } catch (IllegalArgumentException e) {
        r.error("relay.networks", e.getMessage());
      }
    }
    String relayhost = r.string("relay.relayhost", "");
    if (!relayhost.isEmpty() && !relayhost.matches("\\[?[A-Za-z0-9.:-]+\\]?(:\\d{1,5})?")) {
      r.error("relay.relayhost", "must be \"host\" or \"host:port\", got \"" + relayhost + "\"");
    }
    List<String> relayDomains =
        r.strings("relay.relay_domains", List.of()).stream().map(String::toLowerCase).toList();
    String relayUser = r.string("relay.relayhost_user", "");
    String relayPassword = r.string("relay.relayhost_password", "");
    Optional<Path> relayPasswordFile = r.path("relay.relayhost_password_file");
    if (!relayPassword.isEmpty() && relayPasswordFile.isPresent()) {
      r.error("relay.relayhost_password", "give relayhost_password or relayhost_password_file, not both");
    }
    if (!relayUser.isEmpty() && relayPassword.isEmpty() && relayPasswordFile.isEmpty()) {
      r.error("relay.relayhost_user", "needs relay.relayhost_password or relay.relayhost_password_file");
    }
    if (relayUser.isEmpty() && (!relayPassword.isEmpty() || relayPasswordFile.isPresent())) {
      r.error("relay.relayhost_user", "a relayhost password needs relay.relayhost_user");
    }
    if (!relayUser.isEmpty() && relayhost.isEmpty()) {
      r.error("relay.relayhost_user", "set only together with relay.relayhost");
    }
    relayPasswordFile
        .filter(p -> !Files.isReadable(p))
        .ifPresent(p -> r.error("relay.relayhost_password_file", "cannot read " + p));

    r.allowKeys(
        "delivery",
        "remote_port",
        "allow_forward_commands",
        "connect_timeout",
        "command_timeout",
        "data_init_timeout",
        "data_block_timeout",
        "data_end_timeout",
        "connection_cache_time");
    Duration sec = Duration.ofSeconds(1);
    Duration ms100 = Duration.ofMillis(100);
    Delivery delivery =
        new Delivery(
            r.integer("delivery.remote_port", 25, 1, 65535),
            r.bool("delivery.allow_forward_commands", false),
            r.duration("delivery.connect_timeout", Duration.ofSeconds(30), ms100, Duration.ofMinutes(10)),
            r.duration("delivery.command_timeout", Duration.ofMinutes(5), ms100, Duration.ofHours(1)),
            r.duration("delivery.data_init_timeout", Duration.ofMinutes(2), ms100, Duration.ofHours(1)),
            r.duration("delivery.data_block_timeout", Duration.ofMinutes(3), ms100, Duration.ofHours(1)),
            r.duration("delivery.data_end_timeout", Duration.ofMinutes(10), ms100, Duration.ofHours(1)),
            r.duration("delivery.connection_cache_time", Duration.ofSeconds(2), Duration.ZERO, Duration.ofMinutes(5)));

    r.allowKeys("dns", "zone_file", "servers", "timeout");
    Optional<Path> zone = r.path("dns.zone_file");
    if (zone.isPresent() && !Files.isReadable(zone.get())) {
      r.error("dns.zone_file", "cannot read " + zone.get());
    }
    List<String> servers = r.strings("dns.servers", List.of());
    Duration dnsTimeout = r.duration("dns.timeout", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(1));

    r.allowKeys("tls", "certificate", "private_key");
    Optional<Path> cert = r.path("tls.certificate");
    Optional<Path> key = r.path("tls.private_key");
    if (cert.isPresent() != key.isPresent()) {
      r.error(cert.isPresent() ? "tls.private_key" : "tls.certificate", "tls.certificate and tls.private_key go together");
    }
    cert.filter(p -> !Files.isReadable(p)).ifPresent(p -> r.error("tls.certificate", "cannot read " + p));
    key.filter(p -> !Files.isReadable(p)).ifPresent(p -> r.error("tls.private_key", "cannot read " + p));

    r.allowKeys(
        "limits",
        "message_size",
        "recipients",
        "line_length",
        "errors",
        "idle_timeout",
        "connections",
        "connections_per_ip",
        "auth_failures",
        "auth_failures_per_ip",
        "auth_cache_ttl",
        "command_deadline");
    Limits limits =
        new Limits(
            r.size("limits.message_size", 50L << 20, 1024, 2L << 30),
            r.integer("limits.recipients", 1000, 1, 100_000),
            r.integer("limits.line_length", 4096, 1000, 1 << 20),
            r.integer("limits.errors", 20, 1, 1000),
            r.duration("limits.idle_timeout", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofHours(1)),
            r.integer("limits.connections", 2000, 1, 1_000_000),
            r.integer("limits.connections_per_ip", 100, 1, 1_000_000),
            r.integer("limits.auth_failures", 5, 1, 1000),
            r.integer("limits.auth_failures_per_ip", 20, 1, 1_000_000),
            r.duration("limits.auth_cache_ttl", Duration.ofHours(1), Duration.ZERO, Duration.ofDays(1)),
            r.duration("limits.command_deadline", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofHours(1)));

    r.allowKeys(
        "queue",
        "retry",
        "max_lifetime",
        "delay_warning",
        "parallel",
        "per_destination",
        "postmaster",
        "bounce_size_limit");
    List<Duration> retry = new ArrayList<>();
    for (String s : r.strings("queue.retry", List.of("1m", "5m", "15m", "30m", "1h"))) {
      Duration d = parseDuration(s);
      if (d == null || d.isNegative() || d.isZero()) {
        r.error("queue.retry", "\"" + s + "\" is not a positive duration like 30s, 5m, 1h, 2d");
      } else {
        retry.add(d);
      }
    }
    if (retry.isEmpty()) {
      retry.add(Duration.ofMinutes(5));
    }
    Queue queue =
        new Queue(
            List.copyOf(retry),
            r.duration("queue.max_lifetime", Duration.ofDays(5), Duration.ofMinutes(1), Duration.ofDays(100)),
            r.duration("queue.delay_warning", Duration.ofHours(4), Duration.ZERO, Duration.ofDays(100)),
            r.integer("queue.parallel", 20, 1, 10_000),
            r.integer("queue.per_destination", 5, 1, 1000),
            r.string("queue.postmaster", "postmaster"),
            r.size("queue.bounce_size_limit", 50_000, 0, 1L << 30));
    if (queue.postmaster().isBlank() || queue.postmaster().matches(".*[\\s<>].*")) {
      r.error("queue.postmaster", "must be an address like \"postmaster\" or \"admin@example.org\"");
    }

    // [transport]: keys are domains (quoted when they contain dots), ".domain" for its subdomains,
    // "*" for everything else; values like Postfix transport(5) entries.
    Map<String, TransportRule> transport = new LinkedHashMap<>();
    if (toml.contains("transport") && !toml.isTable("transport")) {
      r.error("transport", "must be a table [transport]");
    } else if (toml.isTable("transport")) {
      TomlTable t = toml.getTable("transport");
      for (String k : t.keySet()) {
        String tkey = "transport.\"" + k + "\"";
        Object v = t.get(List.of(k));
        if (!(v instanceof String s)) {
          r.error(tkey, "must be a string like \"smtp:[host]:port\"");
          continue;
        }
        String domain = k.toLowerCase(java.util.Locale.ROOT);
        if (!domain.equals("*") && !domain.matches("\\.?[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
          r.error(tkey, "key must be a domain, \".domain\" or \"*\"");
          continue;
        }
        try {
          transport.put(domain, TransportRule.parse(s));
        } catch (IllegalArgumentException e) {
          r.error(tkey, e.getMessage());
        }
      }
    }

    r.allowKeys("mailauth", "reject_dmarc_failures", "authentication_results");
    MailAuth mailauth =
        new MailAuth(
            r.bool("mailauth.reject_dmarc_failures", true),
            r.bool("mailauth.authentication_results", true));

    r.allowKeys("store", "quota", "quota_messages");
    Store store =
        new Store(
            r.size("store.quota", 0, 0, 1L << 50),
            r.integer("store.quota_messages", 0, 0, Integer.MAX_VALUE));

    if (!r.errors.isEmpty()) {
      throw new ConfigException(r.errors);
    }
    return new Config(
        source,
        hostname.toLowerCase(),
        dataDir,
        aliases,
        new Listen(services),
        new Relay(
            List.copyOf(networks),
            relayhost.isEmpty() ? Optional.empty() : Optional.of(relayhost),
            relayDomains,
            relayUser.isEmpty() ? Optional.empty() : Optional.of(relayUser),
            relayPassword.isEmpty() ? Optional.empty() : Optional.of(relayPassword),
            relayPasswordFile),
        delivery,
        new Dns(zone, servers, dnsTimeout),
        new Tls(cert, key),
        limits,
        queue,
        mailauth,
        Map.copyOf(transport),
        store);
  }

  /**
   * The transport rule for a recipient domain: the exact domain, then ".parent" entries from the
   * closest parent up, then "*"; empty when none applies.
   */
  public Optional<TransportRule> transportFor(String domain) {
    String d = domain.toLowerCase(java.util.Locale.ROOT);
    TransportRule exact = transport.get(d);
    if (exact != null) {
      return Optional.of(exact);
    }
    for (int dot = d.indexOf('.'); dot >= 0; dot = d.indexOf('.', dot + 1)) {
      TransportRule parent = transport.get(d.substring(dot));
      if (parent != null) {
        return Optional.of(parent);
      }
    }
    return Optional.ofNullable(transport.get("*"));
  }

  static String defaultListen(String svc) {
    return switch (svc) {
      case "smtp" -> "0.0.0.0:25";
      case "submission" -> "0.0.0.0:587";
      case "smtps" -> "0.0.0.0:465";
      case "imap" -> "0.0.0.0:143";
      case "imaps" -> "0.0.0.0:993";
      case "pop3" -> "0.0.0.0:110";
      case "pop3s" -> "0.0.0.0:995";
      case "http" -> "127.0.0.1:8080";
      default -> null;
    };
  }

  static String defaultHostname() {
    try {
      String h = InetAddress.getLocalHost().getCanonicalHostName();
      if (h != null && !h.isBlank() && !h.matches("[0-9.:]+")) {
        return h;
      }
    } catch (Exception ignored) {
      // fall through
    }
    return "localhost";
  }

  /** Parses "host:port", "[v6]:port"; null when malformed. */
  public static InetSocketAddress parseAddress(String v) {
    int colon = v.lastIndexOf(':');
    if (colon <= 0) {
      return null;
    }
    String host = v.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(v.substring(colon + 1));
    } catch (NumberFormatException e) {
      return null;
    }
    if (port < 0 || port > 65535) {
      return null;
    }
    return new InetSocketAddress(host, port);
  }

  /** "90s", "5m", "1h", "5d", "250ms", or a plain number of seconds; null if malformed. */
  public static Duration parseDuration(String s) {
    var m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)?").matcher(s.trim());
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofDays(7 * n);
    };
  }

  /**
   * A byte size: digits with an optional unit k, M, G or T (powers of 1024, with an optional "i" and
   * "B": "512k", "25MiB", "1G"); -1 when malformed or beyond a long.
   */
  public static long parseSize(String s) {
    var m = java.util.regex.Pattern.compile("(?i)(\\d{1,19})\\s*([kmgt]i?b?|b)?").matcher(s.trim());
    if (!m.matches()) {
      return -1;
    }
    String u = m.group(2) == null ? "b" : m.group(2).toLowerCase(java.util.Locale.ROOT);
    int shift = switch (u.charAt(0)) {
      case 'k' -> 10;
      case 'm' -> 20;
      case 'g' -> 30;
      case 't' -> 40;
      default -> 0;
    };
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
    } catch (NumberFormatException | ArithmeticException tooBig) {
      return -1;
    }
  }

  /** Reads typed values from the TOML tree and collects every error with its key. */
  private static final class Reader {
    final TomlTable toml;
    final Path base;
    final List<String> errors = new ArrayList<>();

    Reader(TomlTable toml, Path base) {
      this.toml = toml;
      this.base = base;
    }

    void error(String key, String msg) {
      errors.add(key + ": " + msg);
    }

    void allowKeys(String table, String... keys) {
      TomlTable t = table.isEmpty() ? toml : (toml.isTable(table) ? toml.getTable(table) : null);
      if (t == null) {
        if (!table.isEmpty() && toml.contains(table)) {
          error(table, "must be a table [" + table + "]");
        }
        return;
      }
      List<String> allowed = List.of(keys);
      for (String k : t.keySet()) {
        if (!allowed.contains(k)) {
          error(table.isEmpty() ? k : table + "." + k, "unknown key");
        }
      }
    }

    String string(String key, String def) {
      if (!toml.contains(key)) {
        return def;
      }
      if (!toml.isString(key)) {
        error(key, "must be a string");
        return def;
      }
      return toml.getString(key);
    }

    boolean bool(String key, boolean def) {
      if (!toml.contains(key)) {
        return def;
      }
      if (!toml.isBoolean(key)) {
        error(key, "must be true or false");
        return def;
      }
      return toml.getBoolean(key);
    }

    Optional<Path> path(String key) {
      String s = string(key, "");
      if (s.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(base.resolve(s).normalize());
    }

    List<String> strings(String key, List<String> def) {
      if (!toml.contains(key)) {
        return def;
      }
      if (!toml.isArray(key)) {
        error(key, "must be an array of strings");
        return def;
      }
      TomlArray a = toml.getArray(key);
      List<String> out = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        Object o = a.get(i);
        if (o instanceof String s) {
          out.add(s);
        } else {
          error(key, "element " + (i + 1) + " must be a string");
        }
      }
      return out;
    }

    int integer(String key, int def, int min, int max) {
      if (!toml.contains(key)) {
        return def;
      }
      if (!toml.isLong(key)) {
        error(key, "must be an integer");
        return def;
      }
      long v = toml.getLong(key);
      if (v < min || v > max) {
        error(key, "must be between " + min + " and " + max + ", got " + v);
        return def;
      }
      return (int) v;
    }

    /** A byte size: an integer, or a string like "25M", "512k", "1G". */
    long size(String key, long def, long min, long max) {
      if (!toml.contains(key)) {
        return def;
      }
      long v;
      if (toml.isLong(key)) {
        v = toml.getLong(key);
      } else if (toml.isString(key)) {
        v = parseSize(toml.getString(key));
        if (v < 0) {
          error(key, "must be a size like 10485760, \"512k\", \"25M\" or \"1G\"");
          return def;
        }
      } else {
        error(key, "must be a size like 10485760 or \"25M\"");
        return def;
      }
      if (v < min || v > max) {
        error(key, "must be between " + min + " and " + max + " bytes, got " + v);
        return def;
      }
      return v;
    }

    Duration duration(String key, Duration def, Duration min, Duration max) {
      if (!toml.contains(key)) {
        return def;
      }
      Duration d = null;
      if (toml.isLong(key)) {
        d = Duration.ofSeconds(toml.getLong(key));
      } else if (toml.isString(key)) {
        d = parseDuration(toml.getString(key));
      }
      if (d == null) {
        error(key, "must be a duration like \"30s\", \"5m\", \"1h\", \"5d\"");
        return def;
      }
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        error(key, "must be between " + min + " and " + max + ", got " + d);
        return def;
      }
      return d;
    }
  }
}
