package dev.postamt.config;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tomlj.TomlTable;

/**
 * {@code [archive]}: the compliance journal, an immutable copy of every message received and sent,
 * kept apart from the mailboxes (see {@code docs/archive.md}).
 *
 * @param journal whether every accepted message is journalled (off by default)
 * @param dir where the journal lives ({@code data_dir/archive} by default)
 * @param retention how long a message is kept when none of its domains has its own retention
 * @param domainRetention {@code [archive.domain_retention]}: per domain (lower case); a message is
 *     kept for the longest retention among the domains of its sender and recipients that have one
 * @param segmentSize a segment file is closed and a new one begun once it is this large (one per day
 *     otherwise)
 */
public record Archive(
    boolean journal, Path dir, Retention retention, Map<String, Retention> domainRetention, long segmentSize) {

  /** A calendar retention: {@code "10y"}, {@code "18m"} (months), {@code "6w"}, {@code "90d"}. */
  public record Retention(long amount, ChronoUnit unit) {
    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,4})\\s*(y|mo|m|w|d)");

    /** The instant {@code t} plus this retention, in calendar terms (UTC). */
    public Instant after(Instant t) {
      return t.atZone(ZoneOffset.UTC).plus(amount, unit).toInstant();
    }

    /** As the config writes it. */
    @Override
    public String toString() {
      return amount + switch (unit) {
        case YEARS -> "y";
        case MONTHS -> "m";
        case WEEKS -> "w";
        default -> "d";
      };
    }

    /** Parses {@code "10y"}, {@code "18m"} or {@code "18mo"}, {@code "6w"}, {@code "90d"}; null when malformed. */
    public static Retention parse(String s) {
      Matcher m = SYNTAX.matcher(s.trim().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        return null;
      }
      ChronoUnit u = switch (m.group(2)) {
        case "y" -> ChronoUnit.YEARS;
        case "m", "mo" -> ChronoUnit.MONTHS;
        case "w" -> ChronoUnit.WEEKS;
        default -> ChronoUnit.DAYS;
      };
      long n = Long.parseLong(m.group(1));
      return n == 0 || (u == ChronoUnit.YEARS && n > 200) ? null : new Retention(n, u);
    }
  }

  /** The retention of a message whose sender and recipients have these domains (lower case). */
  public Retention retentionFor(Iterable<String> domains) {
    Retention best = null;
    Instant probe = Instant.EPOCH;
    for (String d : domains) {
      Retention r = domainRetention.get(d.toLowerCase(Locale.ROOT));
      if (r != null && (best == null || r.after(probe).isAfter(best.after(probe)))) {
        best = r;
      }
    }
    return best == null ? retention : best;
  }

  static Archive parse(ConfigReader r, Path dataDir) {
    r.allowKeys("archive", "journal", "dir", "retention", "domain_retention", "segment_size");
    boolean journal = r.bool("archive.journal", false);
    Path dir = r.path("archive.dir").orElse(dataDir.resolve("archive"));
    r.note("archive.dir", ConfigReader.quote(dir.toString()));
    Retention retention = retention(r, "archive.retention", r.string("archive.retention", "10y"));
    Map<String, Retention> byDomain = new LinkedHashMap<>();
    if (r.toml.contains(r.keyPath("archive.domain_retention")) && !r.toml.isTable(r.keyPath("archive.domain_retention"))) {
      r.error("archive.domain_retention", "must be a table [archive.domain_retention] of \"domain\" = \"7y\"");
    } else if (r.toml.isTable(r.keyPath("archive.domain_retention"))) {
      TomlTable t = r.toml.getTable(r.keyPath("archive.domain_retention"));
      for (String k : t.keySet()) {
        String key = "archive.domain_retention.\"" + k + "\"";
        String domain = k.toLowerCase(Locale.ROOT);
        if (!domain.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
          r.error(key, "key must be a domain name");
        } else if (!(t.get(List.of(k)) instanceof String s)) {
          r.error(key, "must be a retention like \"7y\", \"18m\", \"90d\"");
        } else {
          Retention d = retention(r, key, s);
          byDomain.put(domain, d);
          r.note(key, ConfigReader.quote(d.toString()));
        }
      }
    }
    long segment = r.size("archive.segment_size", 256L << 20, 64L << 10, 1L << 40);
    return new Archive(journal, dir, retention, Map.copyOf(byDomain), segment);
  }

  private static Retention retention(ConfigReader r, String key, String value) {
    Retention v = Retention.parse(value);
    if (v == null) {
      r.error(key, "must be a retention like \"10y\", \"18m\" (months), \"6w\" or \"90d\", got \"" + value + "\"");
      return new Retention(10, ChronoUnit.YEARS);
    }
    return v;
  }
}
