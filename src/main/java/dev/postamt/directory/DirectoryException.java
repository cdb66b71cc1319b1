package dev.postamt.directory;

/** A directory operation failed; the message is fit for a one-line CLI error. */
public final class DirectoryException extends Exception {
  public DirectoryException(String message) {
    super(message);
  }

  public DirectoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
