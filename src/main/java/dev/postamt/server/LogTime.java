package dev.postamt.server;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code %isoTime} in a log pattern: what {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX}} writes, in the
 * server's time zone, with the date, time and offset formatted once a second. logback's date converter
 * formats them again for every millisecond that has a line; at a few hundred messages a second, nine
 * lines each, that was half of what a line cost to lay out (bench/README.md, 2026-12-05).
 */
public final class LogTime extends ClassicConverter {
  /** The conversion word. */
  static final String WORD = "isoTime";
  private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);
  private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("XXX", Locale.ROOT);

  private record Second(long epochSecond, String text, String offset) {}

  private final ZoneId zone = ZoneId.systemDefault();
  private volatile Second last = new Second(Long.MIN_VALUE, "", "");

  /** Public and without arguments: logback makes one per pattern that names it. */
  public LogTime() {}

  /** Makes {@code %isoTime} known to the patterns of {@code ctx} started from now on. */
  static void register(Context ctx) {
    @SuppressWarnings("unchecked")
    Map<String, Supplier<DynamicConverter>> rules =
        (Map<String, Supplier<DynamicConverter>>) ctx.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
    if (rules == null) {
      rules = new HashMap<>();
      ctx.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
    }
    rules.put(WORD, LogTime::new);
  }

  @Override
  public String convert(ILoggingEvent event) {
    return format(event.getTimeStamp());
  }

  String format(long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    int millis = (int) Math.floorMod(epochMillis, 1000);
    Second s = last;
    if (s.epochSecond() != second) {
      ZonedDateTime t = Instant.ofEpochSecond(second).atZone(zone);
      s = new Second(second, SECOND.format(t), OFFSET.format(t));
      last = s;
    }
    StringBuilder b = new StringBuilder(s.text().length() + 4 + s.offset().length()).append(s.text()).append('.');
    if (millis < 100) {
      b.append('0');
    }
    if (millis < 10) {
      b.append('0');
    }
    return b.append(millis).append(s.offset()).toString();
  }
}
