package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The Received field's date, kept for the second it names. */
class TraceHeaderTest {
  private static final DateTimeFormatter RFC5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

  @Test
  void theDateIsTheSecondOfTheInstantInTheServersZone() {
    Instant t = Instant.parse("2026-12-05T15:00:59.100Z");
    for (Instant i : new Instant[] {t, t.plusMillis(800), t.plusMillis(900), t.plusSeconds(1), t, t.plusSeconds(86_400 * 40)}) {
      assertThat(TraceHeader.date(i)).isEqualTo(RFC5322.format(i.atZone(ZoneId.systemDefault())));
    }
    assertThat(TraceHeader.date(t)).isNotEqualTo(TraceHeader.date(t.plusSeconds(1)));
  }
}
