package dev.postamt.smtp;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The ESMTP parameters of MAIL FROM and RCPT TO that we offer: SIZE (RFC 1870), BODY (RFC 6152),
 * SMTPUTF8 (RFC 6531), RET, ENVID, NOTIFY and ORCPT (RFC 3461), AUTH (RFC 4954), REQUIRETLS (RFC 8689). Anything else is
 * {@code 555 5.5.4}; a malformed value is {@code 501 5.5.4}.
 */
final class EnvelopeParameters {
  private EnvelopeParameters() {}

  /** The DSN parameters of one RCPT TO; {@code notifyOn} is upper case, empty when not given. */
  record Rcpt(List<String> notifyOn, Optional<String> orcpt) {}

  static void checkMail(MailPath from, long messageSizeLimit) throws SmtpException {
    checkMail(from, messageSizeLimit, false);
  }

  /** The size {@code MAIL FROM ... SIZE=} declared (RFC 1870 §6; checked by {@link #checkMail}), 0 without one. */
  static long declaredSize(MailPath from) {
    String v = from.params().get("SIZE");
    return v == null ? 0 : Long.parseLong(v);
  }

  /** @param tls whether the session is encrypted (REQUIRETLS is only taken then, RFC 8689 §4.1) */
  static void checkMail(MailPath from, long messageSizeLimit, boolean tls) throws SmtpException {
    Map<String, String> params = from.params();
    for (var e : params.entrySet()) {
      String v = e.getValue();
      switch (e.getKey()) {
        case "SIZE" -> {
          if (v == null || !v.matches("\\d{1,18}")) {
            throw new SmtpException(501, "5.5.4", "Bad SIZE parameter");
          }
          if (Long.parseLong(v) > messageSizeLimit) {
            throw new SmtpException(SmtpReply.MESSAGE_TOO_BIG);
          }
        }
        case "BODY" -> {
          if (v == null || !(v.equalsIgnoreCase("7BIT") || v.equalsIgnoreCase("8BITMIME"))) {
            throw new SmtpException(501, "5.5.4", "Bad BODY parameter (7BIT or 8BITMIME)");
          }
        }
        case "SMTPUTF8" -> {
          if (v != null) {
            throw new SmtpException(501, "5.5.4", "SMTPUTF8 takes no value");
          }
        }
        case "RET" -> {
          if (v == null || !(v.equalsIgnoreCase("FULL") || v.equalsIgnoreCase("HDRS"))) {
            throw new SmtpException(501, "5.5.4", "Bad RET parameter (FULL or HDRS)");
          }
        }
        case "ENVID" -> {
          if (v == null || v.length() > 100 || !validXtext(v)) {
            throw new SmtpException(501, "5.5.4", "Bad ENVID parameter");
          }
        }
        case "REQUIRETLS" -> {
          if (v != null) {
            throw new SmtpException(501, "5.5.4", "REQUIRETLS takes no value");
          }
          if (!tls) {
            throw new SmtpException(530, "5.7.10", "REQUIRETLS needs a TLS session (RFC 8689)");
          }
        }
        case "AUTH" -> {
          // RFC 4954 §5: accepted; we do not relay the identity.
        }
        default -> throw new SmtpException(555, "5.5.4", "Unsupported option: " + e.getKey());
      }
    }
    if (from.utf8() && !params.containsKey("SMTPUTF8")) {
      throw new SmtpException(553, "5.6.7", "Non-ASCII address needs SMTPUTF8");
    }
  }

  static Rcpt checkRcpt(MailPath to, MailPath sender) throws SmtpException {
    List<String> notify = List.of();
    Optional<String> orcpt = Optional.empty();
    for (var e : to.params().entrySet()) {
      String v = e.getValue();
      switch (e.getKey()) {
        case "NOTIFY" -> {
          if (v == null) {
            throw new SmtpException(501, "5.5.4", "Bad NOTIFY parameter");
          }
          List<String> n = List.of(v.toUpperCase(Locale.ROOT).split(","));
          boolean ok = n.stream().allMatch(x -> x.equals("NEVER") || x.equals("SUCCESS") || x.equals("FAILURE") || x.equals("DELAY"));
          if (!ok || (n.contains("NEVER") && n.size() > 1)) {
            throw new SmtpException(501, "5.5.4", "Bad NOTIFY parameter");
          }
          notify = n;
        }
        case "ORCPT" -> {
          if (v == null || !v.contains(";") || !validXtext(v.substring(v.indexOf(';') + 1))) {
            throw new SmtpException(501, "5.5.4", "Bad ORCPT parameter");
          }
          orcpt = Optional.of(v);
        }
        default -> throw new SmtpException(555, "5.5.4", "Unsupported option: " + e.getKey());
      }
    }
    if (to.utf8() && !sender.params().containsKey("SMTPUTF8")) {
      throw new SmtpException(553, "5.6.7", "Non-ASCII address needs SMTPUTF8");
    }
    return new Rcpt(notify, orcpt);
  }

  private static boolean validXtext(String v) {
    try {
      dev.postamt.queue.Xtext.decode(v);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
