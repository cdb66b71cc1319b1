package dev.postamt.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code [ban]}: the built-in fail2ban. {@code authFailures} failed logins within {@code window} from
 * one client (an IPv4 address, an IPv6 /64), in any protocol, ban it for {@code duration}; each later
 * ban of the same client lasts twice as long as the one before, at most {@code maxDuration}. The relay
 * networks ({@code relay.networks}) and {@code allow} are never banned.
 *
 * @param enabled whether failures ban automatically; bans added by hand ({@code postamt ban add}) are
 *     enforced either way
 * @param allow address blocks never banned, besides {@code relay.networks}
 * @param policyRejections refusals by the MX port's policy (unknown users, DNS-listed clients,
 *     access-map rejections, relay attempts: any 5xx at RCPT) within {@code window} that ban a client
 *     like failed logins; 0: policy refusals never ban
 */
public record Ban(
    boolean enabled, int authFailures, Duration window, Duration duration, Duration maxDuration, List<Cidr> allow,
    int policyRejections) {
  /** Default number of policy refusals that ban. */
  public static final int POLICY_REJECTIONS = 20;

  public Ban(boolean enabled, int authFailures, Duration window, Duration duration, Duration maxDuration, List<Cidr> allow) {
    this(enabled, authFailures, window, duration, maxDuration, allow, POLICY_REJECTIONS);
  }

  static Ban parse(ConfigReader r) {
    r.allowKeys("ban", "enabled", "auth_failures", "window", "duration", "max_duration", "allow", "policy_rejections");
    boolean enabled = r.bool("ban.enabled", true);
    int failures = r.integer("ban.auth_failures", 10, 1, 1_000_000);
    Duration window = r.duration("ban.window", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(7));
    Duration duration = r.duration("ban.duration", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(365));
    Duration max = r.duration("ban.max_duration", Duration.ofDays(7), Duration.ofSeconds(1), Duration.ofDays(3650));
    if (max.compareTo(duration) < 0) {
      r.error("ban.max_duration", "must not be shorter than ban.duration");
    }
    List<Cidr> allow = new ArrayList<>();
    for (String s : r.strings("ban.allow", List.of())) {
      try {
        allow.add(Cidr.parse(s));
      } catch (IllegalArgumentException e) {
        r.error("ban.allow", e.getMessage());
      }
    }
    int rejections = r.integer("ban.policy_rejections", POLICY_REJECTIONS, 0, 1_000_000);
    return new Ban(enabled, failures, window, duration, max, List.copyOf(allow), rejections);
  }
}
