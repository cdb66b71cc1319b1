package dev.postamt.mime;

import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/**
 * The date-time of a header field Postamt writes ({@code Date:}, {@code Received:}, DSN dates): RFC 5322
 * §3.3 with a numeric zone, {@code Sat, 5 Dec 2026 20:19:02 +0000}.
 *
 * <p>Not {@link DateTimeFormatter#RFC_1123_DATE_TIME}: for a zero offset it writes {@code GMT}, an
 * obsolete zone (RFC 5322 §4.3) that §4 says MUST NOT be generated. Reading dates is
 * {@link HeaderText#parseDate}'s.
 */
public final class MailDate {
  private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

  private MailDate() {}

  /** {@code t} (a date-time with a zone or offset) as RFC 5322 writes it. */
  public static String format(TemporalAccessor t) {
    return FORMAT.format(t);
  }
}
