package dev.postamt.mailauth.dmarc;

import dev.postamt.mailauth.dmarc.DmarcRecord.Policy;
import java.util.Locale;

/**
 * The DMARC verdict for one message.
 *
 * @param fromDomain the RFC5322.From domain, null when it could not be found (then PERMERROR)
 * @param policyDomain where the record was found: the From domain or its organizational domain
 * @param policy the policy the domain asks for on failure (p= or sp=), null without a record
 * @param disposition what to do with this message: NONE on pass; on failure the policy, made one step
 *     milder when pct= sampled the message out
 * @param sampledOut pct= selected this failing message for the milder treatment
 */
public record DmarcResult(
    Status status,
    String reason,
    String fromDomain,
    String policyDomain,
    Policy policy,
    Policy disposition,
    boolean spfAligned,
    boolean dkimAligned,
    boolean sampledOut) {

  public enum Status {
    PASS,
    FAIL,
    NONE,
    TEMPERROR,
    PERMERROR;

    public String token() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Whether the receiver should refuse the message (p=reject, failed, not sampled out). */
  public boolean reject() {
    return disposition == Policy.REJECT;
  }

  /** Whether the message belongs in the junk folder. */
  public boolean quarantine() {
    return disposition == Policy.QUARANTINE;
  }

  /**
   * The resinfo for Authentication-Results (RFC 7489 §11.2), e.g. {@code dmarc=fail (p=reject
   * dis=quarantine) header.from=example.com}.
   */
  public String authResults() {
    StringBuilder sb = new StringBuilder("dmarc=").append(status.token());
    if (policy != null) {
      sb.append(" (p=").append(policy.token()).append(" dis=").append(disposition.token());
      if (sampledOut) {
        sb.append(" pct sampled out");
      }
      sb.append(')');
    } else if (reason != null && !reason.isEmpty()) {
      sb.append(" (").append(reason.replace('(', '[').replace(')', ']').replace('\\', '/')).append(')');
    }
    if (fromDomain != null) {
      sb.append(" header.from=").append(fromDomain);
    }
    return sb.toString();
  }
}
