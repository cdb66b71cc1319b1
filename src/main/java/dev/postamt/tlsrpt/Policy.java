package dev.postamt.tlsrpt;

import java.util.List;
import java.util.Locale;

/**
 * The policy a TLS session was held to, as a report names it (RFC 8460 §4.4 {@code policy}).
 *
 * @param domain the policy domain: the recipient domain whose MX hosts were tried
 * @param strings {@code policy-string}: the MTA-STS policy's lines, or the TLSA records in presentation
 *     form; empty for {@code no-policy-found}
 * @param mxHosts {@code mx-host}: the MTA-STS policy's {@code mx} patterns; empty otherwise
 */
public record Policy(String domain, Type type, List<String> strings, List<String> mxHosts) {
  public enum Type {
    STS("sts"),
    TLSA("tlsa"),
    NO_POLICY_FOUND("no-policy-found");

    private final String word;

    Type(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }

    public static Type of(String word) {
      for (Type t : values()) {
        if (t.word.equals(word)) {
          return t;
        }
      }
      throw new IllegalArgumentException("not an RFC 8460 policy type: " + word);
    }
  }

  public Policy {
    domain = domain.toLowerCase(Locale.ROOT);
    strings = List.copyOf(strings);
    mxHosts = List.copyOf(mxHosts);
  }

  /** A destination that publishes neither a validated TLSA record nor an MTA-STS policy. */
  public static Policy none(String domain) {
    return new Policy(domain, Type.NO_POLICY_FOUND, List.of(), List.of());
  }
}
