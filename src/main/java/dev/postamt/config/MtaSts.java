package dev.postamt.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code [mta_sts]}: MTA-STS (RFC 8461) both ways. {@code enabled}: honour other domains' policies when
 * sending (a domain in {@code enforce} mode gets mail only over verified TLS to an MX its policy
 * names). {@code mode}: the policy we publish for our own domains at {@code
 * https://mta-sts.DOMAIN/.well-known/mta-sts.txt} — {@code none} (the default) serves nothing;
 * {@code testing} or {@code enforce} serve a policy naming {@code mx} (default: our hostname) with
 * {@code max_age}.
 */
public record MtaSts(boolean enabled, String mode, List<String> mx, Duration maxAge) {
  public static final MtaSts DEFAULT = new MtaSts(true, "none", List.of(), Duration.ofDays(7));

  static MtaSts parse(ConfigReader r) {
    r.allowKeys("mta_sts", "enabled", "mode", "mx", "max_age");
    boolean enabled = r.bool("mta_sts.enabled", true);
    String mode = r.string("mta_sts.mode", "none");
    if (!List.of("none", "testing", "enforce").contains(mode)) {
      r.error("mta_sts.mode", "must be \"none\", \"testing\" or \"enforce\", got \"" + mode + "\"");
      mode = "none";
    }
    List<String> mx = r.strings("mta_sts.mx", List.of());
    for (String m : mx) {
      if (!m.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
        r.error("mta_sts.mx", "each entry must be a host name or \"*.\" and a domain (RFC 8461 §3.2), got \"" + m + "\"");
      }
    }
    // RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year)
    Duration maxAge = r.duration("mta_sts.max_age", Duration.ofDays(7), Duration.ofMinutes(5), Duration.ofSeconds(31_557_600));
    return new MtaSts(enabled, mode, List.copyOf(mx), maxAge);
  }
}
