package dev.postamt.pop3;

/**
 * A command failed: carries the {@code -ERR} line (with an optional {@link RespCode}), and whether it
 * counts as a bad command (syntax, wrong state, unknown verb) toward the session's limit. Thrown by
 * command code and caught once, in {@link Pop3Session#run}.
 */
final class Pop3Exception extends Exception {
  private final RespCode code;
  private final boolean badCommand;

  private Pop3Exception(RespCode code, String text, boolean badCommand) {
    super(text, null, false, false);
    this.code = code;
    this.badCommand = badCommand;
  }

  /** A malformed or misplaced command: counted toward {@link Pop3Settings#maxBadCommands}. */
  static Pop3Exception bad(String text) {
    return new Pop3Exception(null, text, true);
  }

  /** A well-formed command that cannot be done (no such message, already deleted …). */
  static Pop3Exception refused(String text) {
    return new Pop3Exception(null, text, false);
  }

  static Pop3Exception refused(RespCode code, String text) {
    return new Pop3Exception(code, text, false);
  }

  boolean badCommand() {
    return badCommand;
  }

  /** The reply line without CRLF. */
  String reply() {
    return "-ERR " + (code == null ? "" : "[" + code.wire + "] ") + getMessage();
  }
}
