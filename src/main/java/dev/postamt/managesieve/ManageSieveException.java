package dev.postamt.managesieve;

/**
 * A command refused with {@code NO}, its response code (RFC 5804 §1.3; null for none) and a text for the
 * user. Thrown by the command code and answered in one place by the session; {@link #badCommand()} counts
 * towards {@code limits.errors}.
 */
final class ManageSieveException extends Exception {
  private final String code;
  private final boolean badCommand;

  private ManageSieveException(String code, String text, boolean badCommand) {
    super(text, null, false, false);
    this.code = code;
    this.badCommand = badCommand;
  }

  /** A refusal of a well-formed command (no such script, over quota…). */
  static ManageSieveException no(String code, String text) {
    return new ManageSieveException(code, text, false);
  }

  /** Bad syntax, an unknown command or one not allowed now: counted as a bad command. */
  static ManageSieveException bad(String text) {
    return new ManageSieveException(null, text, true);
  }

  String code() {
    return code;
  }

  boolean badCommand() {
    return badCommand;
  }
}
