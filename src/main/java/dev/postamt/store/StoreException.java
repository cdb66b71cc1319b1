package dev.postamt.store;

/**
 * A store operation was refused or failed. {@link Kind} says which, so protocols can map it to their
 * own reply (IMAP response codes {@code NONEXISTENT}, {@code ALREADYEXISTS}, ...) without parsing text.
 */
public final class StoreException extends RuntimeException {
  /** Why the operation did not happen. */
  public enum Kind {
    NONEXISTENT,
    ALREADYEXISTS,
    CANNOT,
    OVERQUOTA,
    SERVERBUG
  }

  private final Kind kind;

  public StoreException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public StoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
