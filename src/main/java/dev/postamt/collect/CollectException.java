package dev.postamt.collect;

/** A user-facing error of collection (bad URL, unknown account, too many accounts): one line, no stack. */
public final class CollectException extends RuntimeException {
  public CollectException(String message) {
    super(message);
  }

  public CollectException(String message, Throwable cause) {
    super(message, cause);
  }
}
