package dev.postamt.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class MailDateTest {
  @Test
  void writesRfc5322DatesWithANumericZoneAndReadsThemBack() {
    Instant t = Instant.parse("2026-12-05T20:19:02Z");
    assertThat(MailDate.format(t.atZone(ZoneOffset.UTC))).isEqualTo("Sat, 5 Dec 2026 20:19:02 +0000");
    ZonedDateTime berlin = t.atZone(ZoneId.of("Europe/Berlin"));
    assertThat(MailDate.format(berlin)).isEqualTo("Sat, 5 Dec 2026 21:19:02 +0100");
    assertThat(HeaderText.parseDate(MailDate.format(berlin)).toInstant()).isEqualTo(t);
  }
}
