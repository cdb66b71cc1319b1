package dev.postamt.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link LogLine} writes what logback's pattern layout writes for {@link LogLine#PATTERN}. */
class LogLineTest {
  private final LoggerContext ctx = new LoggerContext(); // a context of its own: the process's logging is left alone

  private PatternLayout logbacks() {
    PatternLayout l = new PatternLayout();
    l.setContext(ctx);
    l.setPattern(LogLine.PATTERN);
    l.start();
    return l;
  }

  private LogLine ours() {
    LogLine line = new LogLine();
    line.setContext(ctx);
    line.start();
    return line;
  }

  private static String text(LogLine line, LoggingEvent e) {
    return new String(line.encode(e), StandardCharsets.UTF_8);
  }

  @Test
  void theSameTimeAsLogbacksDateConverter() {
    PatternLayout theirs = logbacks();
    LogLine ours = ours();
    Random r = new Random(12);
    long t = 1_796_000_000_000L; // 2026-12
    for (int i = 0; i < 5000; i++) {
      // steps from 0 ms to a day, forwards and now and then back, so that the cached second is and is not reused
      t += r.nextInt(4) == 0 ? -r.nextInt(3000) : r.nextInt(5) == 0 ? r.nextInt(86_400_000) : r.nextInt(1500);
      LoggingEvent e = new LoggingEvent("x", ctx.getLogger("dev.postamt.events.Event"), Level.INFO, "smtp.connect a=b", null, null);
      e.setTimeStamp(t);
      assertThat(text(ours, e)).as("at %d", t).isEqualTo(theirs.doLayout(e));
    }
    assertThat(new LogTime().format(999)).matches("19(70-01-01|69-12-31)T\\d{2}:\\d{2}:00\\.999(Z|[+-]\\d{2}:\\d{2})");
  }

  @Test
  void theSameLevelsLoggerNamesMessagesAndStackTraces() {
    PatternLayout theirs = logbacks();
    LogLine ours = ours();
    Exception cause = new UncheckedIOException("disk gone", new IOException("EIO"));
    Exception failure = new IllegalStateException("cannot deliver", cause);
    failure.addSuppressed(new IOException("close failed"));
    List<String> loggers = List.of("dev.postamt.imap.ImapServer", "http", "org.eclipse.jetty.server.Server", "a.", ".b", "");
    List<Object[]> messages = List.of(
        new Object[] {"plain", null}, new Object[] {"with {} and {}", new Object[] {"one", 2}},
        new Object[] {null, null}, new Object[] {"Grüße, 日本, \uD83D\uDE00 \r\n\ttab", null},
        new Object[] {"{} left", new Object[] {"x", failure}}); // a last argument that is a throwable is the event's
    int n = 0;
    for (Level level : List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
      for (String logger : loggers) {
        for (Object[] m : messages) {
          for (Throwable t : new Throwable[] {null, failure, new RuntimeException()}) {
            LoggingEvent e = new LoggingEvent("x", ctx.getLogger(logger.isEmpty() ? "ROOT" : logger), level,
                (String) m[0], t, (Object[]) m[1]);
            e.setTimeStamp(1_796_000_000_123L + n++);
            assertThat(text(ours, e)).as("%s %s %s %s", level, logger, m[0], t).isEqualTo(theirs.doLayout(e));
          }
        }
      }
    }
    LoggingEvent e = new LoggingEvent("x", ctx.getLogger("dev.postamt.x.Y"), Level.ERROR, "m", failure, null);
    assertThat(text(ours, e)).contains("Y: m" + System.lineSeparator() + "java.lang.IllegalStateException: cannot deliver")
        .contains("Caused by: java.io.UncheckedIOException: disk gone").contains("Suppressed: java.io.IOException: close failed");
  }

  @Test
  void theTimeIsWhatTheIsoPatternWithTheZoneWrites() {
    java.time.format.DateTimeFormatter iso = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    for (String zone : new String[] {"UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham"}) {
      LogTime t = new LogTime(java.util.TimeZone.getTimeZone(zone));
      // winter and summer, a DST change's hour (Berlin, 2026-03-29 01:00 UTC) and the seconds around it
      for (long ms : new long[] {0L, 1_767_225_600_123L, 1_782_864_000_007L, 1_774_745_999_999L, 1_774_746_000_000L}) {
        assertThat(t.format(ms)).as(zone + " " + ms)
            .isEqualTo(iso.format(java.time.Instant.ofEpochMilli(ms).atZone(java.time.ZoneId.of(zone))));
      }
    }
  }
}
