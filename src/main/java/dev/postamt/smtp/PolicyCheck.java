package dev.postamt.smtp;

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
  private final Restrictions restrictions;
  private final java.util.List<String> relayDomains;

  PolicyCheck(Restrictions restrictions, java.util.List<String> relayDomains) {
    this.restrictions = restrictions;
    this.relayDomains = relayDomains;
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
            rcpt == null ? null : status(rcpt));
    Evaluation e = restrictions.evaluate(stage(c.stage()), request);
    return e.refusal()
        .<Decision>map(s -> Decision.refuse(s.result().code(), s.result().enhanced(), s.result().text()))
        .orElse(Decision.CONTINUE);
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
