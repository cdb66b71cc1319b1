package dev.postamt.sieve;

import java.time.Duration;

/**
 * Bounds on what a script may cost, at compile time and when it runs. The defaults are safe for scripts
 * uploaded by users: a script that exceeds one fails to compile, or stops running and the message is kept.
 *
 * @param maxScriptBytes size of the script text (Pigeonhole: sieve_max_script_size, 1 MiB)
 * @param maxNestingDepth nesting of blocks and tests
 * @param maxStringLength length of one string literal in characters
 * @param maxErrors errors reported for one script before the compiler stops looking
 * @param maxSteps commands and tests run for one message
 * @param maxRunTime wall-clock time of one run (Pigeonhole: sieve_max_cpu_time)
 * @param maxRedirects redirect actions per run (Pigeonhole: sieve_max_redirects)
 * @param maxActions actions per run (Pigeonhole: sieve_max_actions)
 * @param maxIncludeDepth nesting of included scripts (RFC 6609)
 * @param maxVariables variables in one scope (RFC 5229 §6)
 * @param maxVariableSize characters of one variable value
 */
public record SieveLimits(
    int maxScriptBytes,
    int maxNestingDepth,
    int maxStringLength,
    int maxErrors,
    long maxSteps,
    Duration maxRunTime,
    int maxRedirects,
    int maxActions,
    int maxIncludeDepth,
    int maxVariables,
    int maxVariableSize) {

  public static final SieveLimits DEFAULTS =
      new SieveLimits(1 << 20, 32, 1 << 20, 20, 1_000_000, Duration.ofSeconds(10), 4, 32, 10, 255, 4096);

  public SieveLimits {
    if (maxScriptBytes < 1 || maxNestingDepth < 1 || maxStringLength < 1 || maxErrors < 1 || maxSteps < 1
        || maxRunTime.isNegative() || maxRedirects < 0 || maxActions < 1 || maxIncludeDepth < 0
        || maxVariables < 1 || maxVariableSize < 1) {
      throw new IllegalArgumentException("sieve limits must be positive");
    }
  }

  public SieveLimits withMaxSteps(long steps) {
    return new SieveLimits(maxScriptBytes, maxNestingDepth, maxStringLength, maxErrors, steps, maxRunTime,
        maxRedirects, maxActions, maxIncludeDepth, maxVariables, maxVariableSize);
  }

  public SieveLimits withMaxRedirects(int redirects) {
    return new SieveLimits(maxScriptBytes, maxNestingDepth, maxStringLength, maxErrors, maxSteps, maxRunTime,
        redirects, maxActions, maxIncludeDepth, maxVariables, maxVariableSize);
  }

  public SieveLimits withMaxActions(int actions) {
    return new SieveLimits(maxScriptBytes, maxNestingDepth, maxStringLength, maxErrors, maxSteps, maxRunTime,
        maxRedirects, actions, maxIncludeDepth, maxVariables, maxVariableSize);
  }
}
