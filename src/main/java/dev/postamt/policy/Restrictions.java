package dev.postamt.policy;

import dev.postamt.config.Config;
import dev.postamt.config.Policy;
import dev.postamt.config.Policy.Restriction;
import dev.postamt.dns.Resolver;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code [policy]} restriction lists, evaluated as Postfix evaluates {@code smtpd_*_restrictions}:
 * the lists of a stage in order (with {@code delay_reject}: client, helo, sender, recipient at RCPT);
 * in a list the checks in order until one is definitive — {@code permit} ends that list and the next
 * list runs, a refusal ends the evaluation; {@code warn_if_reject CHECK} logs what the check would
 * have refused and goes on. Every refusal and warning is logged as one line with the client, the list,
 * the check and the reason.
 *
 * <p>Made from one configuration; the greylist store outlives it (a reload makes a new one over the same
 * store). Thread-safe: one instance serves every session of a listener.
 */
public final class Restrictions {
  private static final Logger log = LoggerFactory.getLogger(Restrictions.class);

  private final Policy policy;
  private final int threshold;
  private final Resolver dns;
  private final DnsLists lists;
  private final BuiltinChecks checks;
  private final ServiceChecks services;

  /**
   * @param greylist the greylist state, or null when greylisting cannot run (it is then skipped)
   * @param clock the time greylisting goes by (tests move it)
   */
  public Restrictions(Config config, Resolver dns, GreylistStore greylist, Clock clock) {
    this.policy = config.policy();
    this.threshold = config.dnsbl().threshold();
    this.dns = dns;
    this.lists = new DnsLists(dns, config.dnsbl());
    this.services = new ServiceChecks(policy, new PolicyService(policy.serviceTimeout()),
        new SenderVerifier(dns, policy.verify(), config.hostname(), clock));
    this.checks = new BuiltinChecks(dns, lists, new Greylisting(config.greylist(), greylist, clock), new AccessMaps(dns, System::nanoTime),
        services);
  }

  /** Evaluates the lists of {@code stage}, applying greylisting's state changes: what a session does. */
  public Evaluation evaluate(PolicyStage stage, PolicyRequest request) {
    return run(stage.lists(policy.delayReject()), request, false, true);
  }

  /**
   * Every list, each on its own (a refusal does not stop the next list), without changing greylisting
   * state and without logging: what {@code postamt check policy} shows.
   */
  public Evaluation explain(PolicyRequest request) {
    return run(Policy.LISTS, request, true, false);
  }

  private Evaluation run(List<String> names, PolicyRequest request, boolean dryRun, boolean stopAtRefusal) {
    ClientFacts facts = new ClientFacts(request, dns, lists);
    List<Evaluation.Step> steps = new ArrayList<>();
    Optional<Evaluation.Step> refusal = Optional.empty();
    List<Effect> effects = new ArrayList<>();
    Evaluation.Step deferIfPermit = null;
    boolean deferIfReject = false;
    lists:
    for (String list : names) {
      for (Restriction res : policy.list(list)) {
        CheckResult r = checks.run(res, request, facts, threshold, dryRun, list);
        if (r.kind() == CheckResult.Kind.REFUSE && r.code() >= 500 && deferIfReject && !res.warnOnly()) {
          // access(5) DEFER_IF_REJECT: a later rejection becomes a deferral
          r = new CheckResult(r.kind(), 450, "4.7.1", r.text(), r.zone(), r.reason() + " (deferred: DEFER_IF_REJECT earlier)", r.effect());
        }
        Evaluation.Step step = new Evaluation.Step(list, res, r, !res.warnOnly());
        steps.add(step);
        if (!dryRun) {
          logSkips(list, res, r, request, facts);
        }
        if (r.effect() != null) {
          Effect e = r.effect();
          switch (e.kind()) {
            case DEFER_IF_REJECT -> deferIfReject = true;
            case DEFER_IF_PERMIT -> {
              if (deferIfPermit == null) {
                deferIfPermit = new Evaluation.Step(list, res,
                    CheckResult.refuse(450, "4.7.1", e.value(), r.reason() + " (DEFER_IF_PERMIT)"), true);
              }
            }
            default -> {
              effects.add(e);
              if (!dryRun) {
                log.info("{}", line(e.kind().name().toLowerCase(java.util.Locale.ROOT), list, res, r, request, facts));
              }
            }
          }
        }
        if (r.kind() == CheckResult.Kind.REFUSE && res.warnOnly()) {
          if (!dryRun) {
            log.info("{}", line("warn", list, res, r, request, facts));
          }
          continue;
        }
        if (r.kind() == CheckResult.Kind.PERMIT) {
          continue lists;
        }
        if (r.kind() == CheckResult.Kind.REFUSE) {
          if (!dryRun) {
            log.info("{}", line(r.action(), list, res, r, request, facts));
          }
          if (refusal.isEmpty()) {
            refusal = Optional.of(step);
          }
          if (stopAtRefusal) {
            break lists;
          }
          continue lists;
        }
      }
    }
    if (refusal.isEmpty() && deferIfPermit != null) {
      // access(5) DEFER_IF_PERMIT: the evaluation would accept, so it defers instead
      refusal = Optional.of(deferIfPermit);
      if (!dryRun) {
        log.info("{}", line("defer", deferIfPermit.list(), deferIfPermit.restriction(), deferIfPermit.result(), request, facts));
      }
    }
    return new Evaluation(List.copyOf(steps), refusal, List.copyOf(effects));
  }

  private static void logSkips(String list, Restriction res, CheckResult r, PolicyRequest request, ClientFacts facts) {
    if (res.name().equals("check_dnsbl")) {
      for (DnsLists.Answer a : facts.score().skipped()) {
        log.warn("{}", line("skip", list, res, CheckResult.dunno(a.detail()).zone(a.site().zone()), request, facts));
      }
    } else if (r.reason().startsWith("skipped: ")) {
      log.warn("{}", line("skip", list, res, r, request, facts));
    }
  }

  /**
   * {@code policy: reject stage=recipient client=host[ip] helo=… from=<…> to=<…> check=… zone=…
   * reason=…}; absent fields left out.
   */
  static String line(String action, String list, Restriction res, CheckResult r, PolicyRequest q, ClientFacts facts) {
    StringBuilder sb = new StringBuilder("policy: ").append(action).append(" stage=").append(list).append(" client=").append(facts.shown());
    if (q.helo() != null) {
      sb.append(" helo=").append(printable(q.helo()));
    }
    if (q.sender() != null) {
      sb.append(" from=<").append(printable(q.sender())).append('>');
    }
    if (q.recipient() != null) {
      sb.append(" to=<").append(printable(q.recipient())).append('>');
    }
    sb.append(" check=").append(res.name());
    if (!r.zone().isEmpty()) {
      sb.append(" zone=").append(r.zone().replace(", ", ","));
    }
    if (r.kind() == CheckResult.Kind.REFUSE) {
      sb.append(" reply=\"").append(r.code()).append(' ').append(r.enhanced()).append('"');
    }
    return sb.append(" reason=").append(printable(r.reason())).toString();
  }

  /** Client-given text made safe for one log line. */
  private static String printable(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints().forEach(c -> sb.append(c < 0x20 || c == 0x7f ? '?' : Character.toString(c)));
    return sb.toString();
  }
}
