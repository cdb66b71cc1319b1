package dev.postamt.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code [policy]}: Postfix-style restriction lists, one per SMTP stage ({@code client}, {@code helo},
 * {@code sender}, {@code recipient}, {@code data}, {@code end_of_data}), each an ordered list of check
 * names as Postfix spells them ({@code "reject_rbl_client zen.example.test"}). With {@code
 * delay_reject} (Postfix {@code smtpd_delay_reject}, default on) the client, helo and sender lists are
 * decided at RCPT, so the client sees one clear reply there.
 *
 * <p>A name that is not a known check is an error naming the list. The tables of {@code
 * check_*_access} ({@link AccessTable}) are read when the config loads; each bad line is one {@code
 * policy: FILE:LINE: problem} error. {@code check_policy_service} takes {@code inet:host:port} or
 * {@code unix:/path} (relative to the config file).
 *
 * @param lists list name → its checks, in the order of {@link #LISTS}
 * @param serviceTimeout how long one {@code check_policy_service} exchange may take before it is skipped
 * @param verify {@code reject_unverified_sender}'s probes and their caching
 * @param pregreet how long to listen before the greeting for a client that talks too early (postscreen's
 *     pregreet test); zero: off
 * @param tarpit slowing down and ending sessions that send many invalid recipients
 */
public record Policy(
    boolean delayReject,
    Map<String, List<Restriction>> lists,
    List<String> warnings,
    Duration serviceTimeout,
    Verify verify,
    Duration pregreet,
    Tarpit tarpit) {
  /**
   * {@code reject_unverified_sender}: sender address verification by callback (Postfix {@code
   * address_verify_*}).
   *
   * @param positiveTtl how long a sender the MX accepted stays verified
   * @param negativeTtl how long a sender the MX refused stays refused
   * @param tempfailTtl how long a temporary failure (the MX unreachable or 4xx) stands for the whole
   *     domain: no second probe of that domain within it
   * @param timeout the whole probe, connect to QUIT
   * @param port the port of the sender domain's MX ({@code delivery.remote_port}: 25 but in tests)
   */
  public record Verify(Duration positiveTtl, Duration negativeTtl, Duration tempfailTtl, Duration timeout, int port) {}

  /**
   * Postfix's {@code smtpd_soft_error_limit}, {@code smtpd_error_sleep_time} and {@code
   * smtpd_hard_error_limit}, counted in invalid recipients (unknown users, relay attempts, policy
   * refusals at RCPT).
   *
   * @param after after this many invalid recipients, each further error reply waits (0: no tarpit)
   * @param delay the first wait; each further one twice as long, at most {@link #MAX_DELAY}
   * @param closeAfter at this many the session ends with 421; 0: never
   */
  public record Tarpit(int after, Duration delay, int closeAfter) {
    public static final Duration MAX_DELAY = Duration.ofSeconds(30);

    /** The wait before an error reply once {@code n} invalid recipients were sent (zero up to {@link #after}). */
    public Duration delayFor(int n) {
      if (after == 0 || n <= after || delay.isZero()) {
        return Duration.ZERO;
      }
      long ms = delay.toMillis() << Math.min(n - after - 1, 20);
      return Duration.ofMillis(Math.min(ms, MAX_DELAY.toMillis()));
    }
  }
  /** The stages' lists, in the order a session reaches them. */
  public static final List<String> LISTS = List.of("client", "helo", "sender", "recipient", "data", "end_of_data");

  /** Checks without an argument. */
  static final Set<String> PLAIN =
      Set.of(
          "permit",
          "dunno",
          "reject",
          "defer",
          "permit_mynetworks",
          "permit_sasl_authenticated",
          "reject_unauth_destination",
          "reject_unknown_reverse_client_hostname",
          "reject_unknown_client_hostname",
          "reject_invalid_helo_hostname",
          "reject_non_fqdn_helo_hostname",
          "reject_unknown_helo_hostname",
          "reject_non_fqdn_sender",
          "reject_unknown_sender_domain",
          "reject_non_fqdn_recipient",
          "reject_unlisted_recipient",
          "check_dnsbl",
          "check_greylist",
          "reject_unverified_sender");

  /** Checks that take one argument: a DNS list zone, optionally {@code =address-pattern}. */
  static final Set<String> WITH_ZONE =
      Set.of("reject_rbl_client", "permit_dnswl_client", "reject_rhsbl_sender", "reject_rhsbl_helo");

  /** Known to Postfix and to INTERFACE.md, not built yet: accepted, skipped, warned about. */
  static final Set<String> NOT_YET = Set.of();

  /**
   * One entry of a list.
   *
   * @param name the check, e.g. {@code reject_rbl_client}
   * @param argument its argument ({@code ""} when it has none), e.g. {@code zen.example.test=127.0.0.2}
   * @param warnOnly written as {@code warn_if_reject CHECK}: a refusal is logged, not applied
   */
  public record Restriction(String name, String argument, boolean warnOnly) {
    /** As written in the config. */
    @Override
    public String toString() {
      return (warnOnly ? "warn_if_reject " : "") + name + (argument.isEmpty() ? "" : " " + argument);
    }

    /** Not built in this version: evaluated as {@code dunno}. */
    public boolean notBuiltYet() {
      return NOT_YET.contains(name);
    }

    /** A {@code check_*_access} restriction; its argument is then {@code type:/absolute/path}. */
    public boolean accessMap() {
      return isAccessMap(name);
    }
  }

  /** The safe default: today's relay rules, plus what every modern MX checks. */
  static final Map<String, List<String>> DEFAULTS =
      Map.of(
          "client",
          List.of("permit_mynetworks", "permit_sasl_authenticated", "warn_if_reject reject_unknown_client_hostname", "check_dnsbl"),
          "helo",
          List.of("permit_mynetworks", "permit_sasl_authenticated", "reject_invalid_helo_hostname", "reject_non_fqdn_helo_hostname"),
          "sender",
          List.of("permit_mynetworks", "permit_sasl_authenticated", "reject_non_fqdn_sender", "reject_unknown_sender_domain"),
          "recipient",
          List.of(
              "permit_mynetworks",
              "permit_sasl_authenticated",
              "reject_unauth_destination",
              "reject_unlisted_recipient",
              "check_greylist"),
          "data",
          List.of(),
          "end_of_data",
          List.of());

  public List<Restriction> list(String name) {
    return lists.getOrDefault(name, List.of());
  }

  /** Whether any list names {@code check}. */
  public boolean uses(String check) {
    return lists.values().stream().flatMap(List::stream).anyMatch(r -> r.name().equals(check));
  }

  static Policy parse(ConfigReader r) {
    List<String> keys = new ArrayList<>(LISTS);
    keys.addAll(List.of("delay_reject", "policy_service_timeout", "verify_positive_ttl", "verify_negative_ttl",
        "verify_tempfail_ttl", "verify_timeout", "pregreet", "tarpit_after", "tarpit_delay", "tarpit_close_after"));
    r.allowKeys("policy", keys.toArray(String[]::new));
    boolean delay = r.bool("policy.delay_reject", true);
    Duration serviceTimeout =
        r.duration("policy.policy_service_timeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(5));
    Verify verify = new Verify(
        r.duration("policy.verify_positive_ttl", Duration.ofDays(7), Duration.ofSeconds(1), Duration.ofDays(365)),
        r.duration("policy.verify_negative_ttl", Duration.ofHours(3), Duration.ofSeconds(1), Duration.ofDays(365)),
        r.duration("policy.verify_tempfail_ttl", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(1)),
        r.duration("policy.verify_timeout", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofMinutes(10)),
        remotePort(r));
    Duration pregreet = r.duration("policy.pregreet", Duration.ZERO, Duration.ZERO, Duration.ofSeconds(30));
    int tarpitAfter = r.integer("policy.tarpit_after", 5, 0, 1000);
    Duration tarpitDelay = r.duration("policy.tarpit_delay", Duration.ofSeconds(1), Duration.ZERO, Tarpit.MAX_DELAY);
    int tarpitClose = r.integer("policy.tarpit_close_after", 20, 0, 100_000);
    if (tarpitClose != 0 && tarpitAfter != 0 && tarpitClose < tarpitAfter) {
      r.error("policy.tarpit_close_after", "must not be less than policy.tarpit_after (or 0 for never)");
    }
    Tarpit tarpit = new Tarpit(tarpitAfter, tarpitDelay, tarpitClose);
    Map<String, List<Restriction>> lists = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    for (String list : LISTS) {
      String key = "policy." + list;
      List<Restriction> out = new ArrayList<>();
      for (String entry : r.strings(key, DEFAULTS.get(list))) {
        Restriction res = restriction(entry, key, r);
        if (res != null) {
          out.add(res);
          if (res.notBuiltYet()) {
            warnings.add(key + ": \"" + entry + "\" is not available in this build yet; skipped (dunno)");
          }
        }
      }
      lists.put(list, List.copyOf(out));
    }
    Policy p = new Policy(delay, lists, List.copyOf(warnings), serviceTimeout, verify, pregreet, tarpit);
    // switched on but never consulted: say so rather than let it look active
    if (Boolean.TRUE.equals(r.toml.get(r.keyPath("greylist.enabled"))) && !p.uses("check_greylist")) {
      warnings.add("greylist.enabled: no [policy] list has check_greylist, so nothing is greylisted");
    }
    if (r.toml.get(r.keyPath("dnsbl.sites")) instanceof org.tomlj.TomlArray sites && !sites.isEmpty() && !p.uses("check_dnsbl")) {
      warnings.add("dnsbl.sites: no [policy] list has check_dnsbl, so the sites are not asked");
    }
    return new Policy(delay, lists, List.copyOf(warnings), serviceTimeout, verify, pregreet, tarpit);
  }

  /** {@code delivery.remote_port}, which the probes of {@code reject_unverified_sender} use too. */
  private static int remotePort(ConfigReader r) {
    return r.toml.get(r.keyPath("delivery.remote_port")) instanceof Long port ? (int) Math.max(1, Math.min(65535, port)) : 25;
  }

  private static Restriction restriction(String entry, String key, ConfigReader r) {
    String[] words = entry.trim().split("\\s+");
    boolean warn = words.length > 0 && words[0].equals("warn_if_reject");
    int first = warn ? 1 : 0;
    if (words.length <= first || words[first].isEmpty()) {
      r.error(key, "\"" + entry + "\" names no check");
      return null;
    }
    String name = words[first];
    String arg = String.join(" ", java.util.Arrays.copyOfRange(words, first + 1, words.length));
    boolean takesArgument = WITH_ZONE.contains(name) || isAccessMap(name) || name.equals("check_policy_service");
    if (!PLAIN.contains(name) && !takesArgument && !NOT_YET.contains(name)) {
      r.error(key, "unknown check \"" + name + "\"");
      return null;
    }
    if (takesArgument && arg.isEmpty()) {
      r.error(key, "\"" + name + "\" needs an argument");
      return null;
    }
    if (!takesArgument && !arg.isEmpty()) {
      r.error(key, "\"" + name + "\" takes no argument, got \"" + arg + "\"");
      return null;
    }
    if (WITH_ZONE.contains(name)) {
      String problem = Dnsbl.zoneProblem(arg);
      if (problem != null) {
        r.error(key, "\"" + entry + "\": " + problem);
        return null;
      }
    }
    if (name.equals("check_policy_service")) {
      arg = policyService(arg, key, r);
      if (arg == null) {
        return null;
      }
    }
    if (isAccessMap(name)) {
      arg = accessTable(arg, r);
      if (arg == null) {
        return null;
      }
    }
    return new Restriction(name, arg, warn);
  }

  /**
   * Checks an access table when the config loads: each problem one {@code policy: FILE:LINE: …}
   * line. Returns the argument as {@code type:/absolute/path}, or null when the table is unusable.
   */
  private static String accessTable(String arg, ConfigReader r) {
    AccessTable.Spec spec;
    try {
      spec = AccessTable.Spec.parse(arg);
    } catch (IllegalArgumentException e) {
      r.error("policy", "\"" + arg + "\": " + e.getMessage());
      return null;
    }
    if (spec.path().isEmpty()) {
      r.error("policy", "\"" + arg + "\" names no file");
      return null;
    }
    java.nio.file.Path file = r.base.resolve(spec.path()).normalize();
    List<String> problems = new ArrayList<>();
    if (AccessTable.read(spec.type(), file, problems).isEmpty()) {
      problems.forEach(p -> r.error("policy", p));
      return null;
    }
    return spec.render(file);
  }

  /**
   * A policy server's address as Postfix writes it: {@code inet:host:port} or {@code unix:/path} (a
   * relative path is made absolute against the config file); null, and an error, when it is neither.
   */
  private static String policyService(String arg, String key, ConfigReader r) {
    if (arg.startsWith("inet:")) {
      java.net.InetSocketAddress a = Config.parseAddress(arg.substring(5));
      if (a == null || a.getPort() == 0) {
        r.error(key, "check_policy_service \"" + arg + "\": inet: needs host:port, like inet:127.0.0.1:10023");
        return null;
      }
      return arg;
    }
    if (arg.startsWith("unix:") && arg.length() > 5) {
      return "unix:" + r.base.resolve(arg.substring(5)).normalize();
    }
    r.error(key, "check_policy_service \"" + arg + "\": must be inet:host:port or unix:/path");
    return null;
  }

  /** {@code check_client_access}, {@code check_helo_access}, {@code check_sender_access}, … (Postfix access(5)). */
  static boolean isAccessMap(String name) {
    return ACCESS_MAP.matcher(name).matches();
  }

  /** Compiled once: the SMTP session asks for every restriction it runs, at every stage of every message. */
  private static final java.util.regex.Pattern ACCESS_MAP =
      java.util.regex.Pattern.compile("check_(client|reverse_client|helo|sender|recipient)_access");
}
