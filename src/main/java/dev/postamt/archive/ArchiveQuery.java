package dev.postamt.archive;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code postamt archive search|export} look for. Every part given must match:
 *
 * <ul>
 *   <li>{@code words}: each word (case-insensitive) occurs in the subject, the sender, a recipient, the
 *       Message-ID or the queue id; no words (or the single word {@code *}) matches every message
 *   <li>{@code from}: the envelope sender is this address, or is in this domain when it has no {@code @}
 *   <li>{@code to}: a recipient is this address, or is in this domain
 *   <li>{@code domain}: the sender or a recipient is in this domain
 *   <li>{@code since} (inclusive) and {@code until} (exclusive): the time it was journalled
 * </ul>
 */
public record ArchiveQuery(
    List<String> words, Optional<String> from, Optional<String> to, Optional<String> domain, Optional<Instant> since,
    Optional<Instant> until) {

  /** Every message. */
  public static final ArchiveQuery ALL =
      new ArchiveQuery(List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  /** The query of the command line: {@code text} split at white space, the options as given (null: absent). */
  public static ArchiveQuery of(String text, String from, String to, String domain, String since, String until, Instant now) {
    List<String> words = text == null ? List.of()
        : Arrays.stream(text.strip().split("\\s+")).filter(w -> !w.isEmpty() && !w.equals("*")).toList();
    return new ArchiveQuery(words, address(from), address(to), address(domain), time(since, now, "--since"),
        time(until, now, "--until"));
  }

  private static Optional<String> address(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip().toLowerCase(Locale.ROOT));
  }

  /**
   * {@code 2026-12-04} (midnight UTC), {@code 2026-12-04T10:00:00Z}, or an age: {@code 30d}, {@code 12h},
   * {@code 2w} before now.
   */
  static Optional<Instant> time(String s, Instant now, String option) {
    if (s == null || s.isBlank()) {
      return Optional.empty();
    }
    String v = s.strip();
    try {
      if (v.matches("\\d{4}-\\d{2}-\\d{2}")) {
        return Optional.of(LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant());
      }
      if (v.matches("\\d+[hdw]")) {
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        long hours = switch (v.charAt(v.length() - 1)) {
          case 'h' -> n;
          case 'd' -> n * 24;
          default -> n * 24 * 7;
        };
        return Optional.of(now.minusSeconds(hours * 3600));
      }
      return Optional.of(Instant.parse(v));
    } catch (DateTimeParseException | ArithmeticException e) {
      // fall through to the message
    }
    throw new IllegalArgumentException(option + " \"" + s + "\": expected a date (2026-12-04), a time"
        + " (2026-12-04T10:00:00Z) or an age (30d, 12h, 2w)");
  }

  /** One line for the audit log. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append('"').append(String.join(" ", words)).append('"');
    from.ifPresent(v -> b.append(" --from ").append(v));
    to.ifPresent(v -> b.append(" --to ").append(v));
    domain.ifPresent(v -> b.append(" --domain ").append(v));
    since.ifPresent(v -> b.append(" --since ").append(v));
    until.ifPresent(v -> b.append(" --until ").append(v));
    return b.toString();
  }
}
