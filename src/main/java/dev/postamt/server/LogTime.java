package dev.postamt.server;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.TimeZone;

/**
 * The date and time that starts every text log line: what logback's {@code
 * %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX}} writes, in the server's time zone, with the date, time and offset
 * formatted once a second. logback's date converter formats them again for every millisecond that has a
 * line; at a few hundred messages a second, nine lines each, that was half of what a line cost to lay out
 * (bench/README.md, 2026-12-05).
 *
 * <p>The zone's offset comes from {@link TimeZone}, not from {@code ZoneId.systemDefault()}: the first use
 * of java.time's zone rules reads and indexes the JDK's whole time zone database (10–25 ms of the start
 * before the SMTP banner, on the starting thread, issue 27), while the legacy zone is read at start anyway
 * (SQLite's connections ask for it). Both come from the same database and give the same offset.
 */
final class LogTime {
  private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);

  private record Second(long epochSecond, String text, String offset) {}

  private final TimeZone zone;

  LogTime() {
    this(TimeZone.getDefault());
  }

  LogTime(TimeZone zone) {
    this.zone = zone;
  }
  private volatile Second last = new Second(Long.MIN_VALUE, "", "");

  /** Appends the time of {@code epochMillis} to {@code b}. */
  void append(StringBuilder b, long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    int millis = (int) Math.floorMod(epochMillis, 1000);
    Second s = last;
    if (s.epochSecond() != second) {
      // the offset in whole minutes, as XXX writes it ("Z", "+01:00"; a zone's seconds only before 1900)
      ZoneOffset offset = ZoneOffset.ofTotalSeconds(zone.getOffset(second * 1000) / 60_000 * 60);
      s = new Second(second, SECOND.format(LocalDateTime.ofEpochSecond(second, 0, offset)), offset.getId());
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
