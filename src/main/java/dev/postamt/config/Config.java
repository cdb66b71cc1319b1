package dev.postamt.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

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
    Store store,
    Log log,
    Srs srs,
    Policy policy,
    Greylist greylist,
    Dnsbl dnsbl,
    Sieve sieve,
    Antivirus antivirus,
    Ban ban,
    Spam spam,
    Quarantine quarantine,
    ProxyProtocol proxyProtocol,
    Metrics metrics,
    TlsPolicy tlsPolicy,
    MtaSts mtaSts,
    Archive archive,
    Search search,
    Database database,
    TlsRpt tlsRpt,
    Im2000 im2000,
    Collect collect,
    Reports reports,
    Trail trail) {

  public static final Path DEFAULT_FILE = Path.of("postamt.toml");

  /**
   * One effective setting, for {@code postamt config show}.
   *
   * @param key as written in the file ({@code limits.message_size}, {@code transport."example.org"})
   * @param value rendered as TOML
   * @param given whether the file sets it (else it is the default)
   */
  public record Setting(String key, String value, boolean given) {}

  /** Where the users' Maildirs live: {@code [store] mail_dir}, or {@code data_dir/mail}. */
  public Path mailDir() {
    return store.mailDir().orElse(dataDir.resolve("mail"));
  }

  /** The configuration a missing default file stands for. */
  public static Config defaults() {
    try {
      return parse(new ConfigReader(Toml.parse(""), Path.of("").toAbsolutePath()), null);
    } catch (ConfigException e) {
      throw new IllegalStateException("defaults must be valid", e);
    }
  }

  /** Every effective setting of {@code file} (or of the defaults, as {@link #load} decides), in file order. */
  public static List<Setting> settings(Path file, boolean explicit) throws ConfigException {
    ConfigReader r = reader(file, explicit);
    parse(r, file.toAbsolutePath());
    return List.copyOf(r.settings.values());
  }

  /**
   * Loads {@code file}. When {@code explicit} is false and the file does not exist, the defaults are
   * used (that is what {@code ./postamt serve} on a fresh clone does).
   */
  public static Config load(Path file, boolean explicit) throws ConfigException {
    if (!Files.exists(file) && !explicit) {
      return defaults();
    }
    return parse(reader(file, explicit), file.toAbsolutePath());
  }

  private static ConfigReader reader(Path file, boolean explicit) throws ConfigException {
    if (!Files.exists(file)) {
      if (explicit) {
        throw new ConfigException(List.of("config file " + file + " does not exist"));
      }
      return new ConfigReader(Toml.parse(""), Path.of("").toAbsolutePath());
    }
    String text;
    try {
      text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new ConfigException(List.of(file + ": not UTF-8 text (a TOML file is UTF-8; save it as UTF-8)"));
    } catch (java.io.IOException e) {
      throw new ConfigException(List.of("cannot read " + file + ": " + e.getMessage()));
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // a byte order mark, as Windows editors write one: not part of the TOML
    }
    TomlParseResult toml = Toml.parse(text);
    if (toml.hasErrors()) {
      List<String> errs = new ArrayList<>();
      toml.errors().forEach(e -> errs.add(file + ":" + e.position().line() + ": " + e.getMessage()));
      throw new ConfigException(errs);
    }
    return new ConfigReader(toml, file.toAbsolutePath().getParent());
  }

  private static Config parse(ConfigReader r, Path source) throws ConfigException {
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
        "store",
        "log",
        "srs",
        "policy",
        "greylist",
        "dnsbl",
        "sieve",
        "antivirus",
        "ban",
        "spam",
        "quarantine",
        "proxy_protocol",
        "metrics",
        "tls_policy",
        "mta_sts",
        "archive",
        "search",
        "database",
        "tlsrpt",
        "im2000",
        "collect",
        "reports",
        "trail");
    // The default only when the file names no host: it asks the resolver (a reverse lookup, seconds on a
    // machine whose DNS does not answer), which a configured hostname must not wait for.
    String hostname = r.string("hostname", r.toml.contains(r.keyPath("hostname")) ? "localhost" : defaultHostname());
    if (!hostname.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
      r.error("hostname", "must be a DNS name, got \"" + hostname + "\"");
    }
    Path dataDir = r.path("data_dir").orElse(r.base.resolve("data"));
    r.note("data_dir", ConfigReader.quote(dataDir.toString()));
    Optional<Path> aliases = r.path("aliases_file");
    // Every section parses itself; the reader collects their errors so that all are reported at once.
    Config config =
        new Config(
            source,
            hostname.toLowerCase(Locale.ROOT),
            dataDir,
            aliases,
            Listen.parse(r),
            Relay.parse(r),
            Delivery.parse(r),
            Dns.parse(r),
            Tls.parse(r),
            Limits.parse(r),
            Queue.parse(r),
            MailAuth.parse(r),
            TransportTable.parse(r),
            Store.parse(r),
            Log.parse(r),
            Srs.parse(r, hostname, dataDir),
            Policy.parse(r),
            Greylist.parse(r),
            Dnsbl.parse(r),
            Sieve.parse(r),
            Antivirus.parse(r),
            Ban.parse(r),
            Spam.parse(r),
            Quarantine.parse(r),
            ProxyProtocol.parse(r),
            Metrics.parse(r),
            TlsPolicy.parse(r),
            MtaSts.parse(r),
            Archive.parse(r, dataDir),
            Search.parse(r),
            Database.parse(r),
            TlsRpt.parse(r, hostname.toLowerCase(Locale.ROOT)),
            Im2000.parse(r),
            Collect.parse(r),
            Reports.parse(r, hostname),
            Trail.parse(r));
    if (config.store().blobsInDatabase() && config.database().postgres().isEmpty()) {
      r.error("store.blobs", "\"postgresql\" keeps message bodies in the [database]: set [database] url to a"
          + " postgresql:// URL, or leave store.blobs at \"maildir\"");
    }
    if (config.search().backend() == Search.Backend.POSTGRESQL && config.database().postgres().isEmpty()) {
      r.error("search.backend", "\"postgresql\" needs [database] url = \"postgresql://…\"");
    }
    if (!r.errors.isEmpty()) {
      throw new ConfigException(r.errors);
    }
    return config;
  }

  /**
   * The transport rule for a recipient domain: the exact domain, then ".parent" entries from the
   * closest parent up, then "*"; empty when none applies.
   */
  public Optional<TransportRule> transportFor(String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
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
    return Listen.standardAddress(svc);
  }

  /**
   * The machine's fully qualified name, as Postfix's {@code myhostname} default: the canonical name of
   * the local host, else Debian's {@code /etc/mailname}, else the plain host name; a name with a dot is
   * preferred, {@code localhost} only when nothing else is known.
   */
  static String defaultHostname() {
    List<String> candidates = new ArrayList<>();
    try {
      InetAddress local = InetAddress.getLocalHost();
      candidates.add(local.getCanonicalHostName());
      candidates.add(mailname());
      candidates.add(local.getHostName());
    } catch (Exception e) {
      candidates.add(mailname());
    }
    List<String> valid =
        candidates.stream()
            .filter(h -> h != null && h.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?") && !h.matches("[0-9.]+"))
            .filter(h -> !h.equalsIgnoreCase("localhost") && !h.toLowerCase(Locale.ROOT).startsWith("localhost."))
            .toList();
    return valid.stream().filter(h -> h.contains(".")).findFirst().or(() -> valid.stream().findFirst()).orElse("localhost");
  }

  private static String mailname() {
    try {
      return Files.readString(Path.of("/etc/mailname")).trim();
    } catch (Exception e) {
      return null;
    }
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
    String u = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
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
}
