package dev.postamt.smtp;

import dev.postamt.config.Config;
import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import dev.postamt.routing.Destination;
import dev.postamt.routing.Resolution;
import dev.postamt.smtp.StageCheck.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RCPT: refuses a local address (an alias, a catch-all, a {@code .forward}) whose every destination is
 * an address in a domain that cannot receive mail: the domain does not exist (NXDOMAIN), or has
 * neither MX nor A nor AAAA records, or has a null MX (RFC 7505). Accepting it would only produce a
 * bounce later, sent to a sender address that may be forged (backscatter); refused here, the
 * client's own server reports it. Like Postfix's {@code reject_unknown_recipient_domain} applied to the
 * alias targets: {@code 550 5.1.2}; when a lookup fails for now (time-out, SERVFAIL) the answer is
 * {@code 450 4.4.3} (try again), never a permanent refusal.
 *
 * <p>Domains whose mail goes to a {@code [transport]} entry or the {@code relay.relayhost} are not
 * looked up: their delivery does not depend on their DNS. An alias with at least one destination that can receive mail (a mailbox, or a remote domain that
 * resolves) is accepted: the dead members are the admin's to fix, and each of them is logged.
 */
record AliasTargets(Resolver dns, Config config) implements StageCheck {
  private static final Logger log = LoggerFactory.getLogger(AliasTargets.class);

  private enum Reach {
    YES,
    NO,
    UNKNOWN_NOW
  }

  @Override
  public Decision check(StageContext c) {
    if (!(c.recipient().resolution() instanceof Resolution.Local l) || l.destinations().isEmpty()) {
      return Decision.CONTINUE;
    }
    boolean tempFailure = false;
    List<String> dead = new ArrayList<>();
    for (Destination d : l.destinations()) {
      if (!(d instanceof Destination.Remote r)) {
        return Decision.CONTINUE; // a mailbox, command or file takes it
      }
      String domain = r.address().substring(r.address().lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
      switch (reach(domain)) {
        case YES -> {
          return Decision.CONTINUE;
        }
        case NO -> dead.add(r.address());
        case UNKNOWN_NOW -> tempFailure = true;
      }
    }
    String shown = c.recipient().shown();
    if (tempFailure) {
      log.info("smtp {}: {} deferred: DNS lookup of its alias targets failed", c.client().ip(), shown);
      return Decision.refuse(450, "4.4.3", shown + ": Recipient address rejected: alias target domain lookup failed; try again later");
    }
    log.info("smtp {}: {} refused: every alias target is in a domain that takes no mail: {}", c.client().ip(), shown, dead);
    return Decision.refuse(550, "5.1.2", shown + ": Recipient address rejected: alias target domain not found");
  }

  /** RFC 5321 §5.1: an MX, or else the implicit MX (A or AAAA); a null MX takes no mail. */
  private Reach reach(String domain) {
    if (domain.startsWith("[") || config.transportFor(domain).isPresent()
        || (config.relay().relayhost().isPresent() && !config.relay().relayDomains().contains(domain))) {
      return Reach.YES; // no MX lookup decides this one: a literal, a transport map entry, the relayhost
    }
    DnsResult<Resolver.Mx> mx = dns.mx(domain);
    switch (mx.status()) {
      case TEMPFAIL -> {
        return Reach.UNKNOWN_NOW;
      }
      case NXDOMAIN -> {
        return Reach.NO;
      }
      case OK -> {
        if (!mx.records().isEmpty()) {
          boolean nullMx = mx.records().stream().allMatch(m -> m.host().isEmpty());
          return nullMx ? Reach.NO : Reach.YES;
        }
      }
    }
    DnsResult<java.net.InetAddress> a = dns.a(domain);
    if (a.status() == DnsResult.Status.OK && !a.records().isEmpty()) {
      return Reach.YES;
    }
    DnsResult<java.net.InetAddress> aaaa = dns.aaaa(domain);
    if (aaaa.status() == DnsResult.Status.OK && !aaaa.records().isEmpty()) {
      return Reach.YES;
    }
    if (a.status() == DnsResult.Status.TEMPFAIL || aaaa.status() == DnsResult.Status.TEMPFAIL) {
      return Reach.UNKNOWN_NOW;
    }
    return Reach.NO;
  }
}
