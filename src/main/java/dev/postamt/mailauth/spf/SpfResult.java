package dev.postamt.mailauth.spf;

import java.util.Locale;
import java.util.Optional;

/**
 * The outcome of one SPF check (RFC 7208 §2.6).
 *
 * @param result the verdict
 * @param identity which identity was checked: MAIL FROM, or HELO (also used for the null sender)
 * @param domain the domain whose policy was evaluated, as given (without trailing dot)
 * @param sender the {@code <sender>} of check_host(): the address, or postmaster@HELO
 * @param explanation for {@code fail} only: the domain's own explanation from {@code exp=}, already
 *     macro-expanded; empty when the domain gives none or it could not be used (§6.2)
 * @param reason what decided the result, for logs, the CLI and header comments (not for machines)
 */
public record SpfResult(
    Result result, Identity identity, String domain, String sender, Optional<String> explanation, String reason) {

  public enum Result {
    PASS,
    FAIL,
    SOFTFAIL,
    NEUTRAL,
    NONE,
    PERMERROR,
    TEMPERROR;

    /** The lower-case keyword used in Received-SPF and Authentication-Results headers. */
    public String keyword() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum Identity {
    MAILFROM,
    HELO;

    /** The RFC 8601 property name: {@code smtp.mailfrom} or {@code smtp.helo}. */
    public String property() {
      return this == MAILFROM ? "smtp.mailfrom" : "smtp.helo";
    }
  }

  /** An Authentication-Results method clause (RFC 8601 §2.7.2), e.g. {@code spf=pass smtp.mailfrom=example.com}. */
  public String authenticationResult() {
    String value = identity == Identity.MAILFROM ? sender : domain;
    return "spf=" + result.keyword() + " " + identity.property() + "=" + value;
  }
}
