package dev.postamt.smtp;

import java.io.IOException;

/**
 * One check at one {@link Stage}: a relay rule, the sender-ownership rule, the quota check, the
 * mail-authentication verdict; later access maps, greylisting, DNSBLs. It looks at the {@link
 * StageContext} and decides. A check that cannot decide because something it needs is down answers
 * with a 4xx {@link Decision.Refuse} (defer), never a 5xx. An {@link IOException} is a local error
 * ({@code 451 4.3.0}).
 */
@FunctionalInterface
interface StageCheck {
  Decision check(StageContext context) throws IOException;

  /** What a check says. */
  sealed interface Decision {
    /** No objection: the next check of the stage runs. */
    record Continue() implements Decision {}

    /**
     * Accepted: the remaining checks of this stage are skipped (Postfix {@code OK}, {@code permit_*}).
     * The relay rules are checks of the RCPT stage too, so a check that accepts belongs after them
     * unless it means to allow relaying (as Postfix's {@code smtpd_relay_restrictions} come first).
     */
    record Accept() implements Decision {}

    /** Refused with this reply: 4xx asks the client to try later (defer), 5xx refuses for good. */
    record Refuse(SmtpReply reply) implements Decision {}

    Decision CONTINUE = new Continue();
    Decision ACCEPT = new Accept();

    static Decision refuse(int code, String enhanced, String text) {
      return new Refuse(new SmtpReply(code, enhanced, text));
    }
  }
}
