package dev.postamt.queue;

import java.time.Instant;

/** Where one recipient of a queued message stands. */
public sealed interface RecipientStatus {
  /** Not yet tried, or due now. */
  record Scheduled() implements RecipientStatus {}

  record Delivered(Instant at, String detail) implements RecipientStatus {}

  /** A temporary failure; the next attempt is due at {@code next}. */
  record TempFail(Instant next, int attempts, String reason) implements RecipientStatus {}

  /** Permanent failure: bounced to the sender (when the sender is not {@code <>}). */
  record PermFail(Instant at, String reason) implements RecipientStatus {}

  default boolean done() {
    return this instanceof Delivered || this instanceof PermFail;
  }
}
