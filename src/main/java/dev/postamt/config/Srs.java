package dev.postamt.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code [srs]}: the Sender Rewriting Scheme for mail we forward to other domains (see {@code
 * dev.postamt.srs.Srs} and docs/forwarding.md).
 *
 * @param enabled rewrite forwarded senders and accept bounces to SRS addresses (default true)
 * @param domain the domain of the rewritten addresses ({@code SRS0=…@domain}); the hostname by default.
 *     Its MX must lead back to us and its SPF must allow us, as for Postsrsd's {@code srs-domain}
 * @param maxAgeDays how many days an SRS address stays valid for bounces (libsrs2's {@code maxage}, 21)
 * @param keyFile the secrets, one per line: the first signs, every line verifies (key rotation)
 */
public record Srs(boolean enabled, String domain, int maxAgeDays, Path keyFile) {
  /** The timestamp has 10 bits of days; a window of 1024 days or more would wrap around. */
  public static final int MAX_AGE_DAYS_LIMIT = 1000;

  static Srs parse(ConfigReader r, String hostname, Path dataDir) {
    r.allowKeys("srs", "enabled", "domain", "max_age", "key_file");
    boolean enabled = r.bool("srs.enabled", true);
    String domain = r.string("srs.domain", hostname).toLowerCase(Locale.ROOT);
    if (!domain.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
      r.error("srs.domain", "must be a DNS name like \"example.org\", got \"" + domain + "\"");
    }
    Duration maxAge =
        r.duration("srs.max_age", Duration.ofDays(21), Duration.ofDays(1), Duration.ofDays(MAX_AGE_DAYS_LIMIT));
    if (!maxAge.equals(Duration.ofDays(maxAge.toDays()))) {
      r.error("srs.max_age", "must be whole days like \"21d\" (the SRS timestamp counts days)");
    }
    Path keyFile = r.path("srs.key_file").orElse(dataDir.resolve("srs.key"));
    r.note("srs.key_file", ConfigReader.quote(keyFile.toString()));
    return new Srs(enabled, domain, (int) Math.max(1, maxAge.toDays()), keyFile);
  }

  /** The defaults for a server named {@code hostname} keeping its data in {@code dataDir}. */
  public static Srs standard(String hostname, Path dataDir) {
    return new Srs(true, hostname.toLowerCase(Locale.ROOT), 21, dataDir.resolve("srs.key"));
  }
}
