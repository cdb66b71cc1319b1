package dev.postamt.queue;

import java.time.Instant;

/** Where one recipient of a queued message stands. */
public sealed interface RecipientStatus {
  /** Not yet tried, or due now. */
  record Scheduled() implements RecipientStatus {}

  /**
   * Done. {@code kind} decides what a success notice (NOTIFY=SUCCESS) says: "delivered" into a mailbox,
   * "relayed" to a peer that does not speak DSN, or nothing of ours when the peer took the DSN request
   * over (RFC 3461 §5.2.2).
   */
  record Delivered(Instant at, String detail, Kind kind) implements RecipientStatus {
    public Delivered(Instant at, String detail) {
      this(at, detail, Kind.DELIVERED);
    }
  }

  enum Kind {
    DELIVERED,
    RELAYED,
    DSN_PASSED_ON
  }

  /** A temporary failure; the next attempt is due at {@code next}. */
  record TempFail(Instant next, int attempts, String reason) implements RecipientStatus {}

  /** Permanent failure: bounced to the sender (when the sender is not {@code <>}). */
  record PermFail(Instant at, String reason) implements RecipientStatus {}

  default boolean done() {
    return this instanceof Delivered || this instanceof PermFail;
  }
}
