package dev.postamt.events;

import java.util.List;
import java.util.Locale;

/**
 * The closed catalogue of what happens to mail: every event the server reports is one of these, with a
 * stable dotted name (the {@code event} label of {@code postamt_events_total}, the first word of the log
 * line, the {@code event} column of the trail), a level, and the fields it carries. docs/logging.md
 * lists them; a new one is added here first.
 */
public enum Event {
  SMTP_CONNECT("smtp.connect", Level.INFO, "service", "ip"),
  SMTP_AUTH_OK("smtp.auth.ok", Level.INFO, "user", "method", "ip"),
  SMTP_AUTH_FAILED("smtp.auth.failed", Level.INFO, "user", "method", "ip", "reason"),
  SMTP_REJECT("smtp.reject", Level.INFO, "command", "reply"),
  SMTP_ACCEPTED("smtp.accepted", Level.INFO, "service", "ip", "helo", "tls", "user", "reply"),
  MAILAUTH_RESULT("mailauth.result", Level.INFO, "results"),
  POLICY_CHECKS("policy.checks", Level.INFO, "stage", "result", "checks"),
  FILTER_VERDICT("filter.verdict", Level.INFO, "check", "action", "score", "reason", "required", "scan", "size", "scanned", "ip"),
  QUARANTINE_HELD("quarantine.held", Level.INFO, "reason"),
  QUEUE_QUEUED("queue.queued", Level.INFO),
  DELIVERY_ATTEMPT("delivery.attempt", Level.INFO, "host", "reply"),
  DELIVERY_DELIVERED("delivery.delivered", Level.INFO, "reply"),
  DELIVERY_DEFERRED("delivery.deferred", Level.INFO, "reply", "attempts"),
  DELIVERY_BOUNCED("delivery.bounced", Level.INFO, "reply"),
  DELIVERY_NOTICE("delivery.notice", Level.INFO, "kind", "notice", "notify"),
  SIEVE_ACTION("sieve.action", Level.INFO, "user", "script", "actions", "result"),
  SIEVE_ERROR("sieve.error", Level.WARN, "user", "script", "error");

  /** How loud the log line is. */
  public enum Level {
    INFO,
    WARN
  }

  private final String key;
  private final Level level;
  private final List<String> fields;

  Event(String key, Level level, String... fields) {
    this.key = key;
    this.level = level;
    this.fields = List.of(fields);
  }

  /** The stable dotted name, e.g. {@code smtp.connect}. */
  public String key() {
    return key;
  }

  public Level level() {
    return level;
  }

  /** The fields this event carries besides the trail key (some may be absent on a given line). */
  public List<String> fields() {
    return fields;
  }

  /** The event of a dotted name, for reading the trail back. */
  public static java.util.Optional<Event> of(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    for (Event e : values()) {
      if (e.key.equals(k)) {
        return java.util.Optional.of(e);
      }
    }
    return java.util.Optional.empty();
  }
}
