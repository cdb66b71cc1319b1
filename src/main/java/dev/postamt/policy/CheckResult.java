package dev.postamt.policy;

/**
 * What one check said about a request, and why.
 *
 * @param kind permit (the rest of this list is skipped), dunno (next check) or refuse
 * @param code the SMTP reply code of a refusal (4xx defers, 5xx rejects); 0 otherwise
 * @param enhanced the RFC 3463 status code of a refusal
 * @param text the reply text of a refusal
 * @param zone the DNS list that decided, or ""
 * @param reason why, in words, for the log and {@code check policy}
 * @param effect what an access map asks for besides the answer ({@code DISCARD}, {@code HOLD}, …), or
 *     null
 */
public record CheckResult(Kind kind, int code, String enhanced, String text, String zone, String reason, Effect effect) {
  public enum Kind {
    PERMIT,
    DUNNO,
    REFUSE
  }

  static CheckResult permit(String reason) {
    return new CheckResult(Kind.PERMIT, 0, "", "", "", reason, null);
  }

  static CheckResult dunno(String reason) {
    return new CheckResult(Kind.DUNNO, 0, "", "", "", reason, null);
  }

  static CheckResult refuse(int code, String enhanced, String text, String reason) {
    return new CheckResult(Kind.REFUSE, code, enhanced, text, "", reason, null);
  }

  CheckResult zone(String z) {
    return new CheckResult(kind, code, enhanced, text, z, reason, effect);
  }

  CheckResult with(Effect e) {
    return new CheckResult(kind, code, enhanced, text, zone, reason, e);
  }

  /** "permit", "dunno", "reject" (5xx) or "defer" (4xx). */
  public String action() {
    return switch (kind) {
      case PERMIT -> "permit";
      case DUNNO -> "dunno";
      case REFUSE -> code >= 500 ? "reject" : "defer";
    };
  }
}
