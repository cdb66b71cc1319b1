package dev.postamt.filter.forgery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.filter.Authentication;
import dev.postamt.filter.Symbol;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The forgery check's shortcuts decide as before: the Message-ID form without the pattern ({@link
 * HeaderForgery#validId}), and a Date within three hours of arrival passed over before any {@code
 * Duration} is made (the buckets start at exactly three hours either way).
 */
class HeaderForgeryShortcutsTest {
  private static final String[] PIECES = {"<", ">", "@", "a", "b.c", " ", "\t", "\r\n", "-", "x@y", "<a@b>", "\u00e9"};

  @Test
  void messageIdFormAsThePattern() {
    Random r = new Random(5322);
    for (int i = 0; i < 100_000; i++) {
      StringBuilder b = new StringBuilder();
      for (int n = r.nextInt(8); n > 0; n--) {
        b.append(PIECES[r.nextInt(PIECES.length)]);
      }
      String id = b.toString();
      assertThat(HeaderForgery.validId(id)).as("[%s]", id).isEqualTo(HeaderForgery.validIdByPattern(id));
    }
    assertThat(HeaderForgery.validId("<7885.0012.01f6@client.bench.test>")).isTrue();
    assertThat(HeaderForgery.validId("<a@b>")).isTrue();
    assertThat(HeaderForgery.validId("<@b>")).isFalse();
  }

  /** DATE_IN_* symbols for a Date {@code seconds} from arrival (arrival itself with a fraction of a second). */
  private static List<String> dateSymbols(long seconds) {
    Instant arrival = HeaderForgeryTest.ARRIVAL;
    String date = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
        .format(arrival.plusSeconds(seconds).atOffset(ZoneOffset.UTC));
    String message = HeaderForgeryTest.CLEAN.replace("Date: Tue, 3 Dec 2024 10:04:00 +0000", "Date: " + date);
    return HeaderForgeryTest.scan(message, "alice@example.org", Authentication.NONE).all().stream()
        .map(Symbol::name).filter(n -> n.startsWith("DATE_IN_")).toList();
  }

  @Test
  void datesAtTheThreeHourEdges() {
    for (long edge : new long[] {3 * 3600, -3 * 3600}) {
      for (long s = edge - 4; s <= edge + 4; s++) {
        long hours = s / 3600; // Duration.toHours of a whole number of seconds
        List<String> expected = hours >= 3 ? List.of("DATE_IN_FUTURE_03_06") : hours <= -3 ? List.of("DATE_IN_PAST_03_06")
            : List.of();
        assertThat(dateSymbols(s)).as("Date %d s from arrival", s).isEqualTo(expected);
      }
    }
    assertThat(dateSymbols(0)).isEmpty();
    assertThat(dateSymbols(2 * 3600 + 3599)).isEmpty();
  }
}
