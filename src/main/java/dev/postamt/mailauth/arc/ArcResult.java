package dev.postamt.mailauth.arc;

import java.util.Locale;

/**
 * The chain validation status of a message (RFC 8617 §4.4): none (no ARC sets), pass or fail.
 *
 * @param instances how many ARC sets the message had (0 for none)
 * @param sealDomain d= of the newest seal, whose authentication results a receiver may choose to trust
 */
public record ArcResult(Status status, String reason, int instances, String sealDomain) {
  public enum Status {
    NONE,
    PASS,
    FAIL;

    /** The cv= value and the Authentication-Results keyword. */
    public String token() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final ArcResult NONE = new ArcResult(Status.NONE, "", 0, null);

  /** The resinfo for Authentication-Results, e.g. {@code arc=pass (i=2 d=lists.example.org)}. */
  public String authResults() {
    StringBuilder sb = new StringBuilder("arc=").append(status.token());
    if (status == Status.PASS) {
      sb.append(" (i=").append(instances).append(" d=").append(sealDomain).append(')');
    } else if (status == Status.FAIL && reason != null && !reason.isEmpty()) {
      sb.append(" (").append(reason.replace('(', '[').replace(')', ']').replace('\\', '/')).append(')');
    }
    return sb.toString();
  }
}
