package dev.postamt.store;

/**
 * A store operation was refused or failed. {@link Kind} says which, so protocols can map it to their
 * own reply (IMAP response codes {@code NONEXISTENT}, {@code ALREADYEXISTS}, ...) without parsing text.
 * Everything but {@link Kind#SERVERBUG} is the client's doing or the state of the system, not a bug,
 * and is logged quietly.
 */
public final class StoreException extends RuntimeException {
  /** Why the operation did not happen. */
  public enum Kind {
    NONEXISTENT,
    ALREADYEXISTS,
    CANNOT,
    /** A name or size beyond the store's limits (IMAP {@code [LIMIT]}, RFC 5530). */
    LIMIT,
    OVERQUOTA,
    /** The disk is full: adding is refused, removing still works (IMAP {@code [OVERQUOTA]}, as Dovecot). */
    NOSPACE,
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
