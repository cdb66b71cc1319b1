package dev.postamt.sieve;

/** One compile error or warning at a place in the script, shown as {@code LINE:COLUMN: message}. */
public record Diagnostic(SyntaxTree.Position at, String message, boolean warning) {
  public static Diagnostic error(SyntaxTree.Position at, String message) {
    return new Diagnostic(at, message, false);
  }

  @Override
  public String toString() {
    return at + ": " + (warning ? "warning: " : "") + message;
  }
}
