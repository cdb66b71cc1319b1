package dev.postamt.sieve;

import java.util.List;

/**
 * The outcome of running a script for one message: the actions to carry out, whether one of them is the
 * implicit keep, and, when the script failed at run time or hit a limit, the error. A failed run always
 * has exactly one action, {@link SieveAction.Keep}: the message is never lost (RFC 5228 §2.10.6).
 */
public record SieveResult(List<SieveAction> actions, boolean implicitKeep, String error, List<String> log) {
  public SieveResult {
    actions = List.copyOf(actions);
    log = List.copyOf(log);
  }

  public boolean failed() {
    return error != null;
  }

  static SieveResult failure(String error, List<String> log) {
    return new SieveResult(List.of(new SieveAction.Keep(List.of())), true, error, log);
  }
}
