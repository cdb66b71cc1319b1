package dev.postamt.sieve.store;

/** A script operation refused (with a reason a person can act on) or a storage failure. */
public final class SieveStoreException extends Exception {
  public enum Kind {
    /** No such script. */
    NONEXISTENT,
    /** The script is active and cannot be deleted. */
    ACTIVE,
    /** A script of that name exists already. */
    ALREADY_EXISTS,
    /** Too many scripts or too large a script. */
    QUOTA,
    /** A name not allowed by RFC 5804 §1.6. */
    BAD_NAME,
    /** The storage itself failed. */
    STORAGE
  }

  private final Kind kind;

  public SieveStoreException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public SieveStoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
