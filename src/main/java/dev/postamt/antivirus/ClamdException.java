package dev.postamt.antivirus;

/**
 * clamd could not give a verdict: not reachable, closed the connection, too slow, or answered with an
 * error. The message says which, for one log line.
 */
public final class ClamdException extends Exception {
  private final boolean reply;

  /** @param reply clamd answered (with an error): a new connection would not help */
  ClamdException(String message, boolean reply) {
    super(message);
    this.reply = reply;
  }

  boolean reply() {
    return reply;
  }
}
