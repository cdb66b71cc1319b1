package dev.postamt.cli;

/** A user-facing error: printed as one line on stderr, and the command exits with {@link #status()}. */
public final class CliException extends RuntimeException {
  private final int status;

  public CliException(String message) {
    this(message, 1);
  }

  public CliException(String message, int status) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
