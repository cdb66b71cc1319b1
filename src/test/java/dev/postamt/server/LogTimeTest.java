package dev.postamt.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@code %isoTime} writes what logback's {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX}} writes. */
class LogTimeTest {
  private static PatternLayout layout(LoggerContext ctx, String pattern) {
    PatternLayout l = new PatternLayout();
    l.setContext(ctx);
    l.setPattern(pattern);
    l.start();
    return l;
  }

  @Test
  void theSameTextAsLogbacksDateConverter() {
    LoggerContext ctx = new LoggerContext(); // a context of its own: the process's logging is left alone
    LogTime.register(ctx);
    PatternLayout ours = layout(ctx, LogSetup.PATTERN);
    PatternLayout theirs = layout(ctx, "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0}: %msg%n");
    Random r = new Random(12);
    long t = 1_796_000_000_000L; // 2026-12
    for (int i = 0; i < 5000; i++) {
      // steps from 0 ms to a day, forwards and now and then back, so that the cached second is and is not reused
      t += r.nextInt(4) == 0 ? -r.nextInt(3000) : r.nextInt(5) == 0 ? r.nextInt(86_400_000) : r.nextInt(1500);
      LoggingEvent e = new LoggingEvent("x", ctx.getLogger("dev.postamt.events.Event"), Level.INFO, "smtp.connect a=b", null, null);
      e.setTimeStamp(t);
      assertThat(ours.doLayout(e)).as("at %d", t).isEqualTo(theirs.doLayout(e));
    }
    assertThat(new LogTime().format(999)).matches("19(70-01-01|69-12-31)T\\d{2}:\\d{2}:00\\.999(Z|[+-]\\d{2}:\\d{2})");
  }
}
