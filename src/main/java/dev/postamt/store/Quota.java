package dev.postamt.store;

/**
 * Per-user quota: one limit on the bytes and one on the number of messages, over all of the user's
 * mailboxes together (one quota root per user, as Dovecot's {@code quota = count} or Maildir++ quota).
 *
 * <p>The rule, Dovecot's default: a message is refused when storing it would take the user beyond a
 * limit, not only once the user is already beyond it. So a user may sit just under the limit and still
 * be refused a large message while small ones fit.
 */
public final class Quota {
  private Quota() {}

  /** Limits; 0 means unlimited. */
  public record Limit(long storageBytes, long messages) {
    public static final Limit UNLIMITED = new Limit(0, 0);

    public Limit {
      if (storageBytes < 0 || messages < 0) {
        throw new IllegalArgumentException("quota limits must not be negative");
      }
    }

    public boolean unlimited() {
      return storageBytes == 0 && messages == 0;
    }
  }

  /** What the user's mailboxes hold: the sizes of the message files, and how many there are. */
  public record Usage(long bytes, long messages) {
    public static final Usage NONE = new Usage(0, 0);

    public Usage plus(long addBytes, long addMessages) {
      return new Usage(bytes + addBytes, messages + addMessages);
    }
  }

  /** A user's limit and usage at one moment. */
  public record Status(Limit limit, Usage usage) {
    /** Whether {@code addMessages} messages of {@code addBytes} bytes in all still fit. */
    public boolean allows(long addBytes, long addMessages) {
      Usage after = usage.plus(addBytes, addMessages);
      return (limit.storageBytes() == 0 || after.bytes() <= limit.storageBytes())
          && (limit.messages() == 0 || after.messages() <= limit.messages());
    }

    /** Whether not even a one-byte message fits any more. */
    public boolean full() {
      return !allows(1, 1);
    }
  }

  /**
   * Where limits come from: the server wires the directory (per-user setting, else the config
   * default); tests and tools without one use {@link #NONE}. Throws {@link StoreException} when the
   * lookup fails (a database error is a temporary failure for the caller).
   */
  @FunctionalInterface
  public interface Policy {
    Policy NONE = user -> Limit.UNLIMITED;

    Limit limitFor(String user);
  }

  /** The refusal every protocol maps to its own reply (IMAP {@code [OVERQUOTA]}, SMTP 4.2.2). */
  static StoreException exceeded() {
    return new StoreException(StoreException.Kind.OVERQUOTA, "Quota exceeded (mailbox for user is full)");
  }
}
