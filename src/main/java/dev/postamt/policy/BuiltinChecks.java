package dev.postamt.policy;

import dev.postamt.config.Dnsbl;
import dev.postamt.config.Policy.Restriction;
import dev.postamt.dns.DnsNames;
import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import java.net.InetAddress;
import java.util.Locale;

/**
 * The checks a {@code [policy]} list may name, with Postfix's names, reply codes and texts
 * ({@code postconf(5)}: {@code unknown_client_reject_code} 450, {@code invalid_hostname_reject_code}
 * 501, {@code non_fqdn_reject_code} 504, {@code unknown_hostname_reject_code} 450, {@code
 * maps_rbl_reject_code} 554). A check whose DNS lookup fails for now is skipped (dunno, and the reason
 * says so), except {@code reject_unknown_sender_domain}, which defers with 450 as Postfix does.
 */
final class BuiltinChecks {
  private final Resolver dns;
  private final DnsLists lists;
  private final Greylisting greylisting;
  private final AccessMaps accessMaps;
  private final ServiceChecks services;

  BuiltinChecks(Resolver dns, DnsLists lists, Greylisting greylisting, AccessMaps accessMaps, ServiceChecks services) {
    this.dns = dns;
    this.lists = lists;
    this.greylisting = greylisting;
    this.accessMaps = accessMaps;
    this.services = services;
  }

  /**
   * @param list the {@code [policy]} list {@code res} belongs to (a policy service is told the state and
   *     a refusal names what the list is about)
   */
  CheckResult run(Restriction res, PolicyRequest r, ClientFacts facts, int threshold, boolean dryRun, String list) {
    String ip = DnsNames.addressText(r.client());
    if (res.notBuiltYet()) {
      return CheckResult.dunno(res.name() + " is not available in this build yet; skipped");
    }
    if (res.accessMap()) {
      return accessMaps.check(res, r, facts);
    }
    if (res.name().equals("check_policy_service")) {
      return services.policyService(res.argument(), r, facts, list, dryRun);
    }
    if (res.name().equals("reject_unverified_sender")) {
      return services.unverifiedSender(r, dryRun);
    }
    return switch (res.name()) {
      case "permit" -> CheckResult.permit("permit");
      case "dunno" -> CheckResult.dunno("dunno");
      case "reject" -> CheckResult.refuse(554, "5.7.1", "Access denied", "reject");
      case "defer" -> CheckResult.refuse(450, "4.7.1", "Try again later", "defer");
      case "permit_mynetworks" ->
          r.mynetworks() ? CheckResult.permit(ip + " is in relay.networks") : CheckResult.dunno(ip + " is not in relay.networks");
      case "permit_sasl_authenticated" ->
          r.saslUser() != null ? CheckResult.permit("authenticated as " + r.saslUser()) : CheckResult.dunno("not authenticated");
      case "reject_unauth_destination" -> unauthDestination(r);
      case "reject_unlisted_recipient" -> unlistedRecipient(r);
      case "reject_unknown_reverse_client_hostname" -> unknownReverse(facts.fcrdns(), ip);
      case "reject_unknown_client_hostname" -> unknownClient(facts.fcrdns(), ip);
      case "reject_invalid_helo_hostname" -> invalidHelo(r.helo());
      case "reject_non_fqdn_helo_hostname" -> nonFqdnHelo(r.helo());
      case "reject_unknown_helo_hostname" -> unknownHelo(r.helo());
      case "reject_non_fqdn_sender" -> nonFqdnAddress(r.sender(), "Sender");
      case "reject_non_fqdn_recipient" -> nonFqdnAddress(r.recipient(), "Recipient");
      case "reject_unknown_sender_domain" ->
          r.senderLocal() ? CheckResult.dunno("sender domain is ours") : unknownSenderDomain(r.sender());
      case "reject_rbl_client" -> rblClient(Dnsbl.Site.parse(res.argument()), r.client());
      case "permit_dnswl_client" -> dnswlClient(Dnsbl.Site.parse(res.argument()), r.client());
      case "reject_rhsbl_sender" -> rhsbl(Dnsbl.Site.parse(res.argument()), r.sender() == null ? "" : PolicyRequest.domainOf(r.sender()), "Sender address");
      case "reject_rhsbl_helo" -> rhsbl(Dnsbl.Site.parse(res.argument()), r.helo() == null ? "" : r.helo(), "Helo command");
      case "check_dnsbl" -> dnsblScore(facts.score(), threshold, ip);
      case "check_greylist" -> greylisting.check(r, facts, dryRun);
      default -> throw new IllegalStateException("config let an unknown check through: " + res.name());
    };
  }

  private static CheckResult unauthDestination(PolicyRequest r) {
    if (r.recipientStatus() != PolicyRequest.RecipientStatus.REMOTE) {
      return CheckResult.dunno(r.recipient() == null ? "no recipient yet" : "recipient domain is ours or relayed for");
    }
    return CheckResult.refuse(554, "5.7.1", "<" + r.recipient() + ">: Relay access denied", "recipient domain is not ours");
  }

  private static CheckResult unlistedRecipient(PolicyRequest r) {
    if (r.recipientStatus() == PolicyRequest.RecipientStatus.UNKNOWN) {
      return CheckResult.refuse(550, "5.1.1", "<" + r.recipient() + ">: Recipient address rejected: User unknown", "no such user or alias");
    }
    if (r.recipientStatus() == PolicyRequest.RecipientStatus.TEMPFAIL) {
      return CheckResult.refuse(450, "4.3.0", "<" + r.recipient() + ">: Temporary lookup failure", "recipient lookup failed");
    }
    return CheckResult.dunno(r.recipient() == null ? "no recipient yet" : "recipient known or not ours to judge");
  }

  private static CheckResult unknownReverse(ReverseName f, String ip) {
    return switch (f.status()) {
      case NO_PTR -> CheckResult.refuse(450, "4.7.25", "Client host rejected: cannot find your reverse hostname, [" + ip + "]", f.reason());
      case TEMPFAIL -> CheckResult.dunno("skipped: " + f.reason());
      default -> CheckResult.dunno("has a PTR record");
    };
  }

  private static CheckResult unknownClient(ReverseName f, String ip) {
    return switch (f.status()) {
      case CONFIRMED -> CheckResult.dunno("forward-confirmed: " + f.reason());
      case TEMPFAIL -> CheckResult.dunno("skipped: " + f.reason());
      default -> CheckResult.refuse(450, "4.7.25", "Client host rejected: cannot find your hostname, [" + ip + "]", f.reason());
    };
  }

  /** Postfix {@code valid_hostname}/{@code valid_hostaddr}: a host name, or an address literal. */
  static boolean validHelo(String h) {
    if (h.startsWith("[") && h.endsWith("]")) {
      String a = h.substring(1, h.length() - 1);
      if (a.regionMatches(true, 0, "IPv6:", 0, 5)) {
        a = a.substring(5);
        return a.matches("[0-9A-Fa-f:.]+") && a.contains(":") && parses(a);
      }
      return a.matches("\\d{1,3}(\\.\\d{1,3}){3}") && parses(a);
    }
    String n = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    if (n.isEmpty() || n.length() > 255 || n.matches("[0-9.]+")) {
      return false;
    }
    for (String label : n.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || !label.matches("[A-Za-z0-9_-]+") || label.startsWith("-") || label.endsWith("-")) {
        return false;
      }
    }
    return true;
  }

  private static boolean parses(String literal) {
    try {
      InetAddress.ofLiteral(literal);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A name with at least two labels whose last is not all digits; address literals count as qualified. */
  static boolean fqdn(String h) {
    if (h.startsWith("[")) {
      return true;
    }
    String n = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    int dot = n.lastIndexOf('.');
    return dot > 0 && dot < n.length() - 1 && !n.substring(dot + 1).matches("[0-9]+");
  }

  private static CheckResult invalidHelo(String helo) {
    if (helo == null) {
      return CheckResult.dunno("no HELO yet");
    }
    return validHelo(helo)
        ? CheckResult.dunno("HELO name is well-formed")
        : CheckResult.refuse(501, "5.5.2", "<" + helo + ">: Helo command rejected: Invalid name", "not a host name or address literal");
  }

  private static CheckResult nonFqdnHelo(String helo) {
    if (helo == null) {
      return CheckResult.dunno("no HELO yet");
    }
    return fqdn(helo)
        ? CheckResult.dunno("HELO name is fully qualified")
        : CheckResult.refuse(504, "5.5.2", "<" + helo + ">: Helo command rejected: need fully-qualified hostname", "HELO name has no dot");
  }

  private CheckResult unknownHelo(String helo) {
    if (helo == null || helo.startsWith("[") || !DnsNames.isQueryable(helo)) {
      return CheckResult.dunno(helo == null ? "no HELO yet" : "not a name to look up");
    }
    Exists e = exists(helo, false);
    return switch (e) {
      case YES -> CheckResult.dunno("HELO name has A, AAAA or MX records");
      case TEMPFAIL -> CheckResult.dunno("skipped: DNS error looking up " + helo);
      default -> CheckResult.refuse(450, "4.7.1", "<" + helo + ">: Helo command rejected: Host not found", "no A, AAAA or MX record for " + helo);
    };
  }

  private static CheckResult nonFqdnAddress(String address, String what) {
    if (address == null || address.isEmpty()) {
      return CheckResult.dunno(address == null ? "no address yet" : "null sender");
    }
    String domain = PolicyRequest.domainOf(address);
    if (!domain.isEmpty() && fqdn(domain)) {
      return CheckResult.dunno("address is fully qualified");
    }
    return CheckResult.refuse(504, "5.5.2", "<" + address + ">: " + what + " address rejected: need fully-qualified address", "domain \"" + domain + "\" is not fully qualified");
  }

  private CheckResult unknownSenderDomain(String sender) {
    if (sender == null || sender.isEmpty()) {
      return CheckResult.dunno(sender == null ? "no sender yet" : "null sender");
    }
    String domain = PolicyRequest.domainOf(sender).toLowerCase(Locale.ROOT);
    if (domain.startsWith("[") || !DnsNames.isQueryable(domain)) {
      return CheckResult.dunno("address literal or no domain");
    }
    Exists e = exists(domain, true);
    return switch (e) {
      case YES -> CheckResult.dunno(domain + " has MX or address records");
      case NULL_MX ->
          CheckResult.refuse(550, "5.7.27", "<" + sender + ">: Sender address rejected: Domain " + domain + " does not accept mail (nullMX)", "null MX (RFC 7505)");
      case TEMPFAIL ->
          CheckResult.refuse(450, "4.1.8", "<" + sender + ">: Sender address rejected: Domain not found", "DNS error looking up " + domain + "; deferred");
      case NO -> CheckResult.refuse(550, "5.1.8", "<" + sender + ">: Sender address rejected: Domain not found", "no MX, A or AAAA record for " + domain);
    };
  }

  private enum Exists {
    YES,
    NO,
    NULL_MX,
    TEMPFAIL
  }

  /** Whether a domain can receive mail: an MX (not a null MX) or, without MX, an A or AAAA record. */
  private Exists exists(String name, boolean mxMatters) {
    DnsResult<dev.postamt.dns.Resolver.Mx> mx = dns.mx(name);
    if (mx.status() == DnsResult.Status.OK && !mx.records().isEmpty()) {
      boolean nullMx = mx.records().size() == 1 && mx.records().getFirst().host().isEmpty();
      return nullMx && mxMatters ? Exists.NULL_MX : Exists.YES;
    }
    DnsResult<InetAddress> a = dns.a(name);
    DnsResult<InetAddress> aaaa = dns.aaaa(name);
    if (!a.records().isEmpty() || !aaaa.records().isEmpty()) {
      return Exists.YES;
    }
    if (mx.status() == DnsResult.Status.TEMPFAIL || a.status() == DnsResult.Status.TEMPFAIL || aaaa.status() == DnsResult.Status.TEMPFAIL) {
      return Exists.TEMPFAIL;
    }
    return Exists.NO;
  }

  private CheckResult rblClient(Dnsbl.Site site, InetAddress client) {
    DnsLists.Answer a = lists.client(site, client);
    return switch (a.status()) {
      case LISTED ->
          CheckResult.refuse(554, "5.7.1", "Service unavailable; Client host " + a.subject() + " blocked using " + site.zone() + lists.reason(a), a.detail()).zone(site.zone());
      case NOT_LISTED -> CheckResult.dunno("not listed in " + site.zone());
      case SKIPPED -> CheckResult.dunno("skipped: " + a.detail()).zone(site.zone());
    };
  }

  private CheckResult dnswlClient(Dnsbl.Site site, InetAddress client) {
    DnsLists.Answer a = lists.client(site, client);
    return switch (a.status()) {
      case LISTED -> CheckResult.permit("listed in allow list " + site.zone() + ": " + a.detail()).zone(site.zone());
      case NOT_LISTED -> CheckResult.dunno("not listed in " + site.zone());
      case SKIPPED -> CheckResult.dunno("skipped: " + a.detail()).zone(site.zone());
    };
  }

  private CheckResult rhsbl(Dnsbl.Site site, String domain, String what) {
    if (!DnsLists.isDomain(domain)) {
      return CheckResult.dunno("no domain to look up");
    }
    DnsLists.Answer a = lists.domain(site, domain);
    return switch (a.status()) {
      case LISTED ->
          CheckResult.refuse(554, "5.7.1", "Service unavailable; " + what + " " + a.subject() + " blocked using " + site.zone() + lists.reason(a), a.detail()).zone(site.zone());
      case NOT_LISTED -> CheckResult.dunno(domain + " not listed in " + site.zone());
      case SKIPPED -> CheckResult.dunno("skipped: " + a.detail()).zone(site.zone());
    };
  }

  private static CheckResult dnsblScore(DnsLists.Score s, int threshold, String ip) {
    if (s.answers().isEmpty()) {
      return CheckResult.dunno("no [dnsbl] sites to ask");
    }
    StringBuilder why = new StringBuilder("score " + s.total() + ", threshold " + threshold);
    for (DnsLists.Answer a : s.answers()) {
      if (a.status() != DnsLists.Status.NOT_LISTED) {
        why.append("; ").append(a.site()).append(' ').append(a.subject()).append(": ").append(a.status() == DnsLists.Status.LISTED ? a.detail() : "skipped, " + a.detail());
      }
    }
    if (s.total() >= threshold && !s.blocking().isEmpty()) {
      String zones = String.join(", ", s.blocking());
      return CheckResult.refuse(554, "5.7.1", "Service unavailable; client [" + ip + "] blocked using " + zones, why.toString()).zone(zones);
    }
    return CheckResult.dunno(why.toString());
  }
}
