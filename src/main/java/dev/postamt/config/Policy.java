package dev.postamt.config;

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
 * <p>A name that is not a known check is an error naming the list. Checks INTERFACE.md names for work
 * not built yet ({@code check_policy_service}, {@code reject_unverified_sender})
 * load, so that a config written for a later build still starts, but are skipped and named in {@link
 * #warnings}. The tables of {@code check_*_access} ({@link AccessTable}) are read when the config loads;
 * each bad line is one {@code policy: FILE:LINE: problem} error.
 *
 * @param lists list name → its checks, in the order of {@link #LISTS}
 */
public record Policy(boolean delayReject, Map<String, List<Restriction>> lists, List<String> warnings) {
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
          "check_greylist");

  /** Checks that take one argument: a DNS list zone, optionally {@code =address-pattern}. */
  static final Set<String> WITH_ZONE =
      Set.of("reject_rbl_client", "permit_dnswl_client", "reject_rhsbl_sender", "reject_rhsbl_helo");

  /** Known to Postfix and to INTERFACE.md, not built yet: accepted, skipped, warned about. */
  static final Set<String> NOT_YET = Set.of("check_policy_service", "reject_unverified_sender");

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
    keys.add("delay_reject");
    r.allowKeys("policy", keys.toArray(String[]::new));
    boolean delay = r.bool("policy.delay_reject", true);
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
    Policy p = new Policy(delay, lists, List.copyOf(warnings));
    // switched on but never consulted: say so rather than let it look active
    if (Boolean.TRUE.equals(r.toml.get("greylist.enabled")) && !p.uses("check_greylist")) {
      warnings.add("greylist.enabled: no [policy] list has check_greylist, so nothing is greylisted");
    }
    if (r.toml.isArray("dnsbl.sites") && !r.toml.getArray("dnsbl.sites").isEmpty() && !p.uses("check_dnsbl")) {
      warnings.add("dnsbl.sites: no [policy] list has check_dnsbl, so the sites are not asked");
    }
    return new Policy(delay, lists, List.copyOf(warnings));
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
    boolean takesArgument = WITH_ZONE.contains(name) || isAccessMap(name) || NOT_YET.contains(name) && name.startsWith("check_");
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

  /** {@code check_client_access}, {@code check_helo_access}, {@code check_sender_access}, … (Postfix access(5)). */
  static boolean isAccessMap(String name) {
    return name.matches("check_(client|reverse_client|helo|sender|recipient)_access");
  }
}
