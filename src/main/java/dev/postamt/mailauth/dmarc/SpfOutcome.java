package dev.postamt.mailauth.dmarc;

import java.util.Locale;

/**
 * What DMARC needs from SPF: the result keyword (RFC 7208 §2.6: pass, fail, softfail, neutral, none,
 * temperror, permerror) and the domain SPF checked — the MAIL FROM domain, or the HELO name when MAIL
 * FROM was empty (RFC 7489 §3.1.2, RFC 7208 §2.4).
 */
public record SpfOutcome(String result, String domain) {
  public static final SpfOutcome NONE = new SpfOutcome("none", null);

  public SpfOutcome {
    result = result == null ? "none" : result.toLowerCase(Locale.ROOT);
    domain = domain == null || domain.isEmpty() ? null : stripDot(domain.toLowerCase(Locale.ROOT));
  }

  private static String stripDot(String d) {
    return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
  }

  public boolean passed() {
    return result.equals("pass");
  }
}
