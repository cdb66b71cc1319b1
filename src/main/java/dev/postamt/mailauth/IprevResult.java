package dev.postamt.mailauth;

import java.util.Locale;
import java.util.Optional;

/**
 * The outcome of an iprev check (RFC 8601 §3).
 *
 * @param name the forward-confirmed host name, present only for {@code pass}
 * @param reason what decided the result, for logs and header comments
 */
public record IprevResult(Result result, String address, Optional<String> name, String reason) {
  public enum Result {
    /** A PTR name of the address resolves back to it. */
    PASS,
    /** PTR names exist but none resolves back to the address. */
    FAIL,
    /** A DNS error; a later attempt may give a final answer. */
    TEMPERROR,
    /** No PTR data is published for the address (NXDOMAIN or no records). */
    PERMERROR;

    public String keyword() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** An Authentication-Results clause, e.g. {@code iprev=pass policy.iprev=192.0.2.1 (mail.example.com)}. */
  public String authenticationResult() {
    return "iprev=" + result.keyword() + " policy.iprev=" + address + name.map(n -> " (" + n + ")").orElse("");
  }
}
