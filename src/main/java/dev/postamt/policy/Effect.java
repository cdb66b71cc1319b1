package dev.postamt.policy;

/**
 * What an access map action asks for besides permit, dunno or refuse (Postfix access(5)): applied to
 * the whole message once it is received, whichever recipient's check asked.
 *
 * @param kind the action
 * @param value the text of DISCARD, HOLD and WARN, the header field of PREPEND, the address of
 *     REDIRECT, the reply text of DEFER_IF_PERMIT and DEFER_IF_REJECT
 */
public record Effect(Kind kind, String value) {
  public enum Kind {
    /** Accepted with 250, delivered to no one. */
    DISCARD,
    /** Accepted into the queue's hold state, delivered only after {@code postamt queue release}. */
    HOLD,
    /** A header field added in front of the message. */
    PREPEND,
    /** Every recipient replaced by one address. */
    REDIRECT,
    /** Logged only. */
    WARN,
    /** A 450 instead of the acceptance, if the evaluation would otherwise accept. */
    DEFER_IF_PERMIT,
    /** A 450 instead of a later 5xx refusal in the same evaluation. */
    DEFER_IF_REJECT
  }

  /** Whether it changes the message (DISCARD, HOLD, PREPEND, REDIRECT), so the session must keep it. */
  public boolean changesMessage() {
    return kind == Kind.DISCARD || kind == Kind.HOLD || kind == Kind.PREPEND || kind == Kind.REDIRECT;
  }
}
