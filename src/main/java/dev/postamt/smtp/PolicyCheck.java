package dev.postamt.smtp;

import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.policy.Effect;
import dev.postamt.policy.Evaluation;
import dev.postamt.policy.PolicyRequest;
import dev.postamt.policy.PolicyStage;
import dev.postamt.policy.Restrictions;
import dev.postamt.routing.Resolution;
import dev.postamt.smtp.StageCheck.Decision;

/**
 * The {@code [policy]} restriction lists ({@link Restrictions}) as a check of every {@link Stage}: the
 * session's view turned into a {@link PolicyRequest}, a refusal into the reply. A {@code permit} of the
 * policy does not skip the built-in checks after it (mailbox quota, alias targets): it answers Continue.
 */
final class PolicyCheck implements StageCheck {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PolicyCheck.class);
  private final Restrictions restrictions;
  private final java.util.List<String> relayDomains;
  private final String hostname;
  private final Directory directory;
  private final PolicyEffects effects;
  private final java.nio.file.Path dataDir;

  PolicyCheck(Restrictions restrictions, SmtpServer server) {
    this.restrictions = restrictions;
    this.relayDomains = server.config.relay().relayDomains();
    this.hostname = server.config.hostname();
    this.directory = server.directory;
    this.effects = new PolicyEffects(server);
    this.dataDir = server.config.dataDir();
  }

  @Override
  public Decision check(StageContext c) {
    StageContext.Client cl = c.client();
    StageContext.Recipient rcpt = c.recipient();
    PolicyRequest request =
        new PolicyRequest(
            cl.address(),
            cl.trustedNetwork(),
            cl.authUser(),
            cl.helo(),
            c.sender() == null ? null : c.sender().address(),
            rcpt == null ? null : rcpt.address(),
            rcpt == null ? null : status(rcpt),
            c.sender() != null && ours(c.sender().domain()));
    Evaluation e;
    try {
      e = restrictions.evaluate(stage(c.stage()), request);
    } catch (RuntimeException bug) {
      // a fault of ours defers: the client keeps the message and tries again (never a refusal for good)
      log.error("policy: {} check failed for {}; deferring", c.stage(), cl.ip(), bug);
      return Decision.refuse(451, "4.3.0", "Temporary local problem, please try again later");
    }
    trail(c, e);
    if (e.refused()) {
      Evaluation.Step s = e.refusal().get();
      return Decision.refuse(s.result().code(), s.result().enhanced(), s.result().text());
    }
    if (c.policyEffects() != null) {
      e.effects().stream().filter(Effect::changesMessage).forEach(c.policyEffects()::add);
    }
    if (c.stage() == Stage.END_OF_DATA && c.message() != null && !c.policyEffects().isEmpty()) {
      effects.apply(c.policyEffects(), c.message(), cl.ip());
    }
    return Decision.CONTINUE;
  }

  /**
   * One trail event per stage that ran checks: every check with its answer and reason
   * ({@code recipient check_greylist=dunno (…); client reject_rbl_client=reject (…)}, each after its
   * {@code [policy]} list),
   * so that {@code postamt trace} shows why a message got through as well as why one did not.
   */
  private void trail(StageContext c, Evaluation e) {
    if (e.steps().isEmpty() || c.client().trailSession() == null) {
      return;
    }
    StringBuilder checks = new StringBuilder();
    for (Evaluation.Step s : e.steps()) {
      if (!checks.isEmpty()) {
        checks.append("; ");
      }
      String action = !s.applied() && s.result().kind() == dev.postamt.policy.CheckResult.Kind.REFUSE
          ? "warn_if_reject " + s.result().action() : s.result().action();
      checks.append(s.list()).append(' ').append(s.restriction().name()).append('=').append(action);
      if (!s.result().zone().isEmpty()) {
        checks.append(" zone=").append(s.result().zone());
      }
      if (s.result().effect() != null) {
        checks.append(' ').append(s.result().effect().kind()).append(' ').append(s.result().effect().value());
      }
      checks.append(" (").append(s.result().reason()).append(')');
    }
    dev.postamt.events.TrailKey key = dev.postamt.events.TrailKey.session(c.client().trailSession());
    if (c.message() != null) {
      key = key.withQueueId(c.message().envelope().id());
    }
    if (c.sender() != null) {
      key = key.withSender(c.sender().address());
    }
    if (c.recipient() != null) {
      key = key.withRecipient(c.recipient().address());
    }
    String result = e.refused() ? e.refusal().get().result().action() : "pass";
    dev.postamt.events.Events.at(dataDir).emit(dev.postamt.events.Event.POLICY_CHECKS, key,
        "stage", stage(c.stage()).name().toLowerCase(java.util.Locale.ROOT), "result", result, "checks", checks.toString());
  }

  /** A local domain or our host name; a failing lookup counts as ours (no refusal for our own trouble). */
  private boolean ours(String domain) {
    if (domain.isEmpty() || domain.equalsIgnoreCase(hostname)) {
      return true;
    }
    try {
      return directory.isLocalDomain(domain.toLowerCase(java.util.Locale.ROOT));
    } catch (DirectoryException e) {
      return true;
    }
  }

  private PolicyRequest.RecipientStatus status(StageContext.Recipient r) {
    return switch (r.resolution()) {
      case Resolution.Local l -> PolicyRequest.RecipientStatus.LOCAL;
      case Resolution.Unknown u -> PolicyRequest.RecipientStatus.UNKNOWN;
      case Resolution.TempFail t -> PolicyRequest.RecipientStatus.TEMPFAIL;
      case Resolution.NotLocal n ->
          relayDomains.contains(r.domain()) ? PolicyRequest.RecipientStatus.RELAY : PolicyRequest.RecipientStatus.REMOTE;
    };
  }

  private static PolicyStage stage(Stage s) {
    return switch (s) {
      case CONNECT -> PolicyStage.CONNECT;
      case HELO -> PolicyStage.HELO;
      case MAIL -> PolicyStage.MAIL;
      case RCPT -> PolicyStage.RCPT;
      case DATA -> PolicyStage.DATA;
      case END_OF_DATA -> PolicyStage.END_OF_DATA;
    };
  }
}
