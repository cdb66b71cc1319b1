package dev.postamt.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code [sieve]}: Sieve filtering at local delivery. {@code before} and {@code after} are the
 * administrator's scripts run around each user's own (Pigeonhole's {@code sieve_before} and {@code
 * sieve_after}): each a path or a list of paths, a path being a script file or a directory whose
 * {@code *.sieve} files run in name order. The limits bound what one user's scripts may cost.
 *
 * @param maxScriptSize bytes of one script (Pigeonhole: sieve_max_script_size)
 * @param maxScripts scripts one user may store (Pigeonhole: sieve_quota_max_scripts)
 * @param maxRedirects redirects per message, over all scripts of a user (sieve_max_redirects)
 * @param maxActions actions per script run (sieve_max_actions)
 * @param maxIncludeDepth nesting of {@code include} (RFC 6609; sieve_include_max_nesting_depth)
 * @param maxCpuTime wall-clock time of one script run (sieve_max_cpu_time)
 */
public record Sieve(
    List<Path> before,
    List<Path> after,
    long maxScriptSize,
    int maxScripts,
    int maxRedirects,
    int maxActions,
    int maxIncludeDepth,
    Duration maxCpuTime) {

  public Sieve {
    before = List.copyOf(before);
    after = List.copyOf(after);
  }

  /** No administrator scripts, default limits. */
  public static Sieve defaults() {
    return new Sieve(List.of(), List.of(), 1L << 20, 100, 4, 32, 10, Duration.ofSeconds(10));
  }

  static Sieve parse(ConfigReader r) {
    r.allowKeys("sieve", "before", "after", "max_script_size", "max_scripts", "max_redirects", "max_actions",
        "max_include_depth", "max_cpu_time");
    Sieve d = defaults();
    return new Sieve(
        r.pathOrPaths("sieve.before"),
        r.pathOrPaths("sieve.after"),
        r.size("sieve.max_script_size", d.maxScriptSize(), 1024, 64L << 20),
        r.integer("sieve.max_scripts", d.maxScripts(), 1, 100_000),
        r.integer("sieve.max_redirects", d.maxRedirects(), 0, 100),
        r.integer("sieve.max_actions", d.maxActions(), 1, 1000),
        r.integer("sieve.max_include_depth", d.maxIncludeDepth(), 0, 100),
        r.duration("sieve.max_cpu_time", d.maxCpuTime(), Duration.ofMillis(100), Duration.ofMinutes(10)));
  }
}
