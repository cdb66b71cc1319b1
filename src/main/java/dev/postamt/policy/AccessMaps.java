package dev.postamt.policy;

import dev.postamt.config.AccessTable;
import dev.postamt.config.Policy.Restriction;
import dev.postamt.dns.DnsNames;
import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code check_client_access}, {@code check_reverse_client_access}, {@code check_helo_access},
 * {@code check_sender_access} and {@code check_recipient_access} restrictions over {@link AccessTable}
 * files, with Postfix's lookup order (access(5)) for plain tables:
 *
 * <ul>
 *   <li>addresses: {@code user@domain}, then the domain — {@code domain}, then for each parent {@code
 *       .parent} and {@code parent} (Postfix's {@code parent_domain_matches_subdomains} default for
 *       access maps: {@code example.com} also matches {@code sub.example.com}) — then {@code user@};
 *       the null sender is looked up as {@code <>};
 *   <li>the client: its verified host name and parent domains as above, then the address, then for
 *       IPv4 the shorter octet prefixes {@code 1.2.3}, {@code 1.2}, {@code 1};
 *   <li>the HELO name: as a domain.
 * </ul>
 *
 * <p>CIDR tables are asked with the client address (or a HELO address literal); regexp tables with
 * the whole string only (host name, then address; the whole mail address), as access(5) says.
 *
 * <p>Each file is checked for changes at most once a second (mtime and size, like the aliases file);
 * a changed file is re-read, and a broken one keeps the table read before, with the error logged once.
 */
final class AccessMaps {
  private static final Logger log = LoggerFactory.getLogger(AccessMaps.class);
  private static final long RECHECK_NANOS = 1_000_000_000L;

  private final Resolver dns;
  private final LongSupplier nanoTime;
  private final Map<String, Loaded> tables = new ConcurrentHashMap<>();

  AccessMaps(Resolver dns, LongSupplier nanoTime) {
    this.dns = dns;
    this.nanoTime = nanoTime;
  }

  /** One table file and what was read from it. */
  private final class Loaded {
    final AccessTable.Type type;
    final Path file;
    AccessTable table;
    FileTime mtime;
    long size = -1;
    long checkedAt;
    boolean checked;
    String failedAt;

    Loaded(String spec) {
      AccessTable.Spec s = AccessTable.Spec.parse(spec);
      this.type = s.type();
      this.file = Path.of(s.path());
    }

    synchronized Optional<AccessTable> current() {
      long now = nanoTime.getAsLong();
      if (checked && now - checkedAt < RECHECK_NANOS) {
        return Optional.ofNullable(table);
      }
      checked = true;
      checkedAt = now;
      FileTime m;
      long sz;
      try {
        m = Files.getLastModifiedTime(file);
        sz = Files.size(file);
      } catch (IOException e) {
        fail(file + ": cannot read: " + e.getMessage(), "gone");
        return Optional.ofNullable(table);
      }
      if (m.equals(mtime) && sz == size) {
        return Optional.ofNullable(table);
      }
      List<String> problems = new ArrayList<>();
      Optional<AccessTable> fresh = AccessTable.read(type, file, problems);
      if (fresh.isEmpty()) {
        fail(String.join("; ", problems), m + "/" + sz);
        return Optional.ofNullable(table);
      }
      if (table != null) {
        log.info("policy: {} changed; {} entries", file, fresh.get().size());
      }
      table = fresh.get();
      mtime = m;
      size = sz;
      failedAt = null;
      return fresh;
    }

    private void fail(String problem, String version) {
      if (!version.equals(failedAt)) {
        failedAt = version;
        log.error("policy: {}{}", problem, table == null ? "; the table is not used" : "; keeping the table read before");
      }
    }
  }

  CheckResult check(Restriction res, PolicyRequest r, ClientFacts facts) {
    Optional<AccessTable> t = tables.computeIfAbsent(res.argument(), Loaded::new).current();
    if (t.isEmpty()) {
      return CheckResult.dunno("skipped: access table " + res.argument() + " cannot be read");
    }
    AccessTable table = t.get();
    return switch (res.name()) {
      case "check_client_access" -> client(table, r, facts.fcrdns().name(), facts);
      case "check_reverse_client_access" -> client(table, r, ptrName(r.client()), facts);
      case "check_helo_access" -> helo(table, r);
      case "check_sender_access" -> r.sender() == null
          ? CheckResult.dunno("no sender yet")
          : address(table, r.sender().isEmpty() ? "<>" : r.sender(), "<" + r.sender() + ">: Sender address rejected");
      case "check_recipient_access" -> r.recipient() == null
          ? CheckResult.dunno("no recipient yet")
          : address(table, r.recipient(), "<" + r.recipient() + ">: Recipient address rejected");
      default -> throw new IllegalStateException("not an access map: " + res.name());
    };
  }

  /** The first PTR name, confirmed or not (Postfix's reverse_client_name). */
  private Optional<String> ptrName(InetAddress client) {
    DnsResult<String> ptr = dns.ptr(DnsNames.canonical(client));
    return ptr.records().isEmpty() ? Optional.empty() : Optional.of(DnsNames.normalize(ptr.records().getFirst()));
  }

  private CheckResult client(AccessTable t, PolicyRequest r, Optional<String> name, ClientFacts facts) {
    InetAddress ip = DnsNames.canonical(r.client());
    String ipText = DnsNames.addressText(ip);
    String reply = "<" + facts.shown() + ">: Client host rejected";
    Optional<Hit> hit = switch (t.type()) {
      case CIDR -> hit(t.match(ip), ipText);
      case REGEXP -> name.flatMap(n -> hit(t.match(n), n)).or(() -> hit(t.match(ipText), ipText));
      case PLAIN -> name.flatMap(n -> firstOf(t, domainKeys(n))).or(() -> firstOf(t, addressKeys(ip)));
    };
    return result(t, hit, reply);
  }

  private CheckResult helo(AccessTable t, PolicyRequest r) {
    if (r.helo() == null) {
      return CheckResult.dunno("no HELO yet");
    }
    String helo = r.helo().toLowerCase(Locale.ROOT);
    String reply = "<" + r.helo() + ">: Helo command rejected";
    Optional<Hit> hit = switch (t.type()) {
      case CIDR -> literal(helo).flatMap(a -> hit(t.match(a), helo));
      case REGEXP -> hit(t.match(helo), helo);
      case PLAIN -> helo.startsWith("[") ? firstOf(t, List.of(helo)) : firstOf(t, domainKeys(helo));
    };
    return result(t, hit, reply);
  }

  private CheckResult address(AccessTable t, String address, String reply) {
    String a = address.toLowerCase(Locale.ROOT);
    Optional<Hit> hit = switch (t.type()) {
      case CIDR -> Optional.empty();
      case REGEXP -> hit(t.match(address), address);
      case PLAIN -> firstOf(t, addressKeys(a));
    };
    return result(t, hit, reply);
  }

  /** {@code user@domain}, the domain's keys, {@code user@} (access(5) EMAIL ADDRESS PATTERNS). */
  static List<String> addressKeys(String address) {
    if (address.equals("<>")) {
      return List.of("<>");
    }
    int at = address.lastIndexOf('@');
    if (at < 0) {
      return List.of(address);
    }
    List<String> keys = new ArrayList<>();
    keys.add(address);
    keys.addAll(domainKeys(address.substring(at + 1)));
    keys.add(address.substring(0, at + 1));
    return keys;
  }

  /** {@code a.b.c}, then {@code .b.c}, {@code b.c}, {@code .c}, {@code c}. */
  static List<String> domainKeys(String domain) {
    String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    List<String> keys = new ArrayList<>();
    if (d.isEmpty()) {
      return keys;
    }
    keys.add(d);
    if (d.startsWith("[")) {
      return keys;
    }
    for (int dot = d.indexOf('.'); dot >= 0; dot = d.indexOf('.', dot + 1)) {
      keys.add(d.substring(dot));
      keys.add(d.substring(dot + 1));
    }
    return keys;
  }

  /** The address, then for IPv4 {@code 1.2.3}, {@code 1.2}, {@code 1} (access(5) HOST NAME/ADDRESS PATTERNS). */
  static List<String> addressKeys(InetAddress ip) {
    String text = DnsNames.addressText(ip);
    List<String> keys = new ArrayList<>();
    keys.add(text);
    if (ip.getAddress().length == 4) {
      for (int dot = text.lastIndexOf('.'); dot > 0; dot = text.lastIndexOf('.', dot - 1)) {
        keys.add(text.substring(0, dot));
      }
    }
    return keys;
  }

  private static Optional<InetAddress> literal(String helo) {
    if (!helo.startsWith("[") || !helo.endsWith("]")) {
      return Optional.empty();
    }
    String a = helo.substring(1, helo.length() - 1);
    if (a.startsWith("ipv6:")) {
      a = a.substring(5);
    }
    try {
      return Optional.of(InetAddress.ofLiteral(a));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private record Hit(String key, AccessTable.Action action) {}

  private static Optional<Hit> hit(Optional<AccessTable.Action> a, String key) {
    return a.map(action -> new Hit(key, action));
  }

  private static Optional<Hit> firstOf(AccessTable t, List<String> keys) {
    for (String k : keys) {
      Optional<AccessTable.Action> a = t.get(k);
      if (a.isPresent()) {
        return Optional.of(new Hit(k, a.get()));
      }
    }
    return Optional.empty();
  }

  /**
   * An action as a check's answer, with Postfix's codes ({@code access_map_reject_code} 554, {@code
   * access_map_defer_code} 450) and texts ({@code <name>: Sender address rejected: Access denied}).
   */
  static CheckResult result(AccessTable t, Optional<Hit> hit, String reply) {
    if (hit.isEmpty()) {
      return CheckResult.dunno("not in " + t.file());
    }
    return result(t.file() + ": " + hit.get().key() + " " + hit.get().action(), hit.get().action(), reply);
  }

  /**
   * An access(5) action as a check's answer ({@code reply}: {@code <addr>: Sender address rejected},
   * put before the text of a refusal); also the answer of a policy service ({@code check_policy_service}).
   */
  static CheckResult result(String why, AccessTable.Action a, String reply) {
    String text = a.text().isEmpty() ? "Access denied" : a.text();
    return switch (a.verb()) {
      case OK -> CheckResult.permit(why);
      case DUNNO -> CheckResult.dunno(why);
      case REJECT -> CheckResult.refuse(554, or(a.enhanced(), "5.7.1"), reply + ": " + text, why);
      case DEFER -> CheckResult.refuse(450, or(a.enhanced(), "4.7.1"), reply + ": " + text, why);
      case REPLY -> CheckResult.refuse(a.code(), or(a.enhanced(), a.code() >= 500 ? "5.7.1" : "4.7.1"), reply + ": " + text, why);
      case DEFER_IF_PERMIT -> CheckResult.dunno(why).with(new Effect(Effect.Kind.DEFER_IF_PERMIT, reply + ": " + text));
      case DEFER_IF_REJECT -> CheckResult.dunno(why).with(new Effect(Effect.Kind.DEFER_IF_REJECT, reply + ": " + text));
      // access(5): DISCARD ends the evaluation like OK; HOLD, PREPEND, REDIRECT and WARN go on
      case DISCARD -> CheckResult.permit(why).with(new Effect(Effect.Kind.DISCARD, a.text()));
      case HOLD -> CheckResult.dunno(why).with(new Effect(Effect.Kind.HOLD, a.text()));
      case PREPEND -> CheckResult.dunno(why).with(new Effect(Effect.Kind.PREPEND, a.text()));
      case REDIRECT -> CheckResult.dunno(why).with(new Effect(Effect.Kind.REDIRECT, a.text()));
      case WARN -> CheckResult.dunno(why).with(new Effect(Effect.Kind.WARN, a.text()));
    };
  }

  private static String or(String s, String def) {
    return s.isEmpty() ? def : s;
  }
}
