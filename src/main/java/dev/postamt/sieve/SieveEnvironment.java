package dev.postamt.sieve;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a script may ask of the system it runs in. Delivery implements this over the mail store, the
 * duplicate and vacation records and the clock; every method has a safe default so tests state only
 * what they need.
 */
public interface SieveEnvironment {
  /** Whether {@code mailbox} exists for the user (RFC 5490 §3.1 mailboxexists). */
  default boolean mailboxExists(String mailbox) {
    return mailbox.equalsIgnoreCase("INBOX");
  }

  /** The user's mailbox with special-use attribute {@code use} ("\\Junk"), if any (RFC 8579). */
  default Optional<String> specialUseMailbox(String use) {
    return Optional.empty();
  }

  /**
   * RFC 7352: whether {@code id} was seen within {@code period} before; records it as seen now (the record
   * should only be kept if the delivery succeeds, which delivery decides).
   */
  default boolean duplicateSeen(String id, Duration period) {
    return false;
  }

  /** RFC 5230 §4.2: whether a reply with this handle was sent to {@code sender} within {@code period}. */
  default boolean vacationSent(String sender, String handle, Duration period) {
    return false;
  }

  default ZonedDateTime now() {
    return ZonedDateTime.now();
  }

  /** The user whose script runs (RFC 5229 variables? no: RFC 5435 and vacation use it). */
  default String user() {
    return "";
  }

  /** The user's addresses, for vacation's "was this sent to me" check (RFC 5230 §4.5). */
  default java.util.List<String> userAddresses() {
    return java.util.List.of();
  }

  /** RFC 5183 environment items: "domain", "host", "name", "version", "phase", "location", ... */
  default Optional<String> item(String name) {
    return switch (name) {
      case "name" -> Optional.of("Postamt");
      case "phase" -> Optional.of("during");
      case "location" -> Optional.of("MDA");
      default -> Optional.empty();
    };
  }

  /** The spam score from filtering as a fraction 0..1 (RFC 5235), or empty when not tested. */
  default OptionalDouble spamScore() {
    return OptionalDouble.empty();
  }

  /** The virus verdict 1..5 (RFC 5235 §3.3), or 0 when not tested. */
  default int virusVerdict() {
    return 0;
  }

  /** Whether a notification method URI is one this site can send (RFC 5435 §3.2 valid_notify_method). */
  default boolean notifyMethodSupported(String uri) {
    return uri.regionMatches(true, 0, "mailto:", 0, 7);
  }

  /**
   * An administrator setting, named as Pigeonhole names it ({@code sieve_user_email},
   * {@code sieve_vacation_default_subject}, {@code sieve_subaddress_sep}, ...), or empty for the default.
   * Extensions read the few that change behaviour; delivery maps its own config onto these names.
   */
  default Optional<String> setting(String name) {
    return Optional.empty();
  }

  /** A boolean {@link #setting}: "yes"/"true"/"1" or "no"/"false"/"0", else {@code otherwise}. */
  default boolean flag(String name, boolean otherwise) {
    return setting(name).map(v -> switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "yes", "true", "1", "on" -> true;
      case "no", "false", "0", "off" -> false;
      default -> otherwise;
    }).orElse(otherwise);
  }

  SieveEnvironment DEFAULT = new SieveEnvironment() {};
}
