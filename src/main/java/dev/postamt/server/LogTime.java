package dev.postamt.server;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The date and time that starts every text log line: what logback's {@code
 * %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX}} writes, in the server's time zone, with the date, time and offset
 * formatted once a second. logback's date converter formats them again for every millisecond that has a
 * line; at a few hundred messages a second, nine lines each, that was half of what a line cost to lay out
 * (bench/README.md, 2026-12-05).
 */
final class LogTime {
  private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);
  private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("XXX", Locale.ROOT);

  private record Second(long epochSecond, String text, String offset) {}

  private final ZoneId zone = ZoneId.systemDefault();
  private volatile Second last = new Second(Long.MIN_VALUE, "", "");

  /** Appends the time of {@code epochMillis} to {@code b}. */
  void append(StringBuilder b, long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    int millis = (int) Math.floorMod(epochMillis, 1000);
    Second s = last;
    if (s.epochSecond() != second) {
      ZonedDateTime t = Instant.ofEpochSecond(second).atZone(zone);
      s = new Second(second, SECOND.format(t), OFFSET.format(t));
      last = s;
    }
    b.append(s.text()).append('.');
    if (millis < 100) {
      b.append('0');
    }
    if (millis < 10) {
      b.append('0');
    }
    b.append(millis).append(s.offset());
  }

  /** The time of {@code epochMillis} as text. */
  String format(long epochMillis) {
    StringBuilder b = new StringBuilder(29);
    append(b, epochMillis);
    return b.toString();
  }
}
