package dev.postamt.srs;

/**
 * An address that is an SRS address but cannot be reversed: malformed, a hash that none of our keys
 * made (forged, or made by another server), or a timestamp outside the window. The message says which,
 * in words fit for an SMTP reply.
 */
public final class SrsException extends Exception {
  /** Why the address was refused. */
  public enum Kind {
    MALFORMED,
    BAD_HASH,
    EXPIRED
  }

  private final Kind kind;

  SrsException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
