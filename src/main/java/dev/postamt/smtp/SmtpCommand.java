package dev.postamt.smtp;

import java.util.Locale;

/**
 * The SMTP verbs we know, with the policy flags the session checks before running one. Anything else
 * is {@code 502 5.5.2}; the verbs of other protocols ({@link #FORBIDDEN}) end the session, as Postfix's
 * {@code smtpd_forbidden_commands} does, because a web browser or proxy probe is talking to us.
 */
enum SmtpCommand {
  HELO(false),
  EHLO(false),
  /** LMTP's EHLO (RFC 2033 §4.1). */
  LHLO(false),
  MAIL(true),
  RCPT(true),
  DATA(true),
  BDAT(true),
  /** RFC 4468: a chunk fetched from an IMAP URL ({@link Burl}). */
  BURL(true),
  RSET(false),
  NOOP(false),
  QUIT(false),
  HELP(false),
  VRFY(false),
  EXPN(false),
  STARTTLS(false),
  AUTH(true),
  /** Not SMTP: GET, POST, CONNECT, HEAD, PUT, OPTIONS, or an HTTP request line. */
  FORBIDDEN(false),
  UNKNOWN(false);

  /** Whether HELO/EHLO must have been given first. */
  final boolean needsHelo;

  SmtpCommand(boolean needsHelo) {
    this.needsHelo = needsHelo;
  }

  static SmtpCommand of(String verb, String line) {
    String v = verb.toUpperCase(Locale.ROOT);
    switch (v) {
      case "GET", "POST", "CONNECT", "HEAD", "PUT", "OPTIONS", "DELETE", "PATCH", "TRACE" -> {
        return FORBIDDEN;
      }
      default -> {}
    }
    if (line.contains(" HTTP/1.") || (!v.isEmpty() && !Character.isLetter(v.charAt(0)))) {
      return v.isEmpty() ? UNKNOWN : FORBIDDEN;
    }
    try {
      SmtpCommand c = valueOf(v);
      return c == FORBIDDEN || c == UNKNOWN ? UNKNOWN : c;
    } catch (IllegalArgumentException e) {
      return UNKNOWN;
    }
  }
}
