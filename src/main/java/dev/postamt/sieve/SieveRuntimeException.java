package dev.postamt.sieve;

/** A run-time error of a script; the run stops and the message is kept (implicit keep). */
public final class SieveRuntimeException extends Exception {
  private final SyntaxTree.Position at;

  public SieveRuntimeException(SyntaxTree.Position at, String message) {
    super(message);
    this.at = at;
  }

  public SyntaxTree.Position at() {
    return at;
  }

  @Override
  public String toString() {
    return (at == null ? "" : at + ": ") + getMessage();
  }
}
