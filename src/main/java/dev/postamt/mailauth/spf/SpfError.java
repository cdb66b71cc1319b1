package dev.postamt.mailauth.spf;

/**
 * Ends an evaluation early with {@code permerror} or {@code temperror}. Both propagate unchanged
 * through include and redirect (RFC 7208 §5.2 table, §6.1), so one exception unwinding to the top is
 * the same as passing the result up level by level.
 */
final class SpfError extends Exception {
  private final SpfResult.Result result;

  private SpfError(SpfResult.Result result, String message) {
    super(message, null, false, false);
    this.result = result;
  }

  static SpfError perm(String message) {
    return new SpfError(SpfResult.Result.PERMERROR, message);
  }

  static SpfError temp(String message) {
    return new SpfError(SpfResult.Result.TEMPERROR, message);
  }

  SpfResult.Result result() {
    return result;
  }
}
