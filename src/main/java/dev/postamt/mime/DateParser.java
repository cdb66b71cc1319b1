package dev.postamt.mime;

import java.time.DateTimeException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * {@link HeaderText#parseDate}'s reading of an RFC 5322 date-time (§3.3, with the obsolete forms' two- and
 * three-digit years and named zones, §4.3), leniently: an optional day name and comma, day, month name,
 * year, {@code hh:mm[:ss]}, an optional zone, then anything. A numeric zone beyond ±18:00 (what {@link
 * ZoneOffset} holds) and a named one count as UTC; a two-digit year below 50 is 20xx, else 19xx.
 *
 * <p>Read by hand, one pass, no regular expression: the mail path reads a message's Date and each Received
 * field's date several times per message (the spam checks, the forgery checks, Sieve's {@code date}), and
 * the pattern this replaces matched in several microseconds and made its callers some of the JIT's
 * largest compilations (issue 27). It accepts exactly what that pattern accepted: {@code
 * (?:[A-Za-z]{3},)?\s*(\d{1,2})\s+([A-Za-z]{3})\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[A-Za-z]+)?.*}
 * over the whole text, whose {@code .*} takes no line terminator (DateParserTest compares the two), except
 * that a zone of +18:01 to +18:59 (or minus) threw {@code DateTimeException} out of the parse.
 */
final class DateParser {
  private DateParser() {}

  private static final String MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";

  /** {@code s} (comments stripped, trimmed) as a date-time, or null. */
  static ZonedDateTime parse(String s) {
    int n = s.length();
    int i = 0;
    if (n >= 4 && letter(s.charAt(0)) && letter(s.charAt(1)) && letter(s.charAt(2)) && s.charAt(3) == ',') {
      i = 4;
    }
    i = spaces(s, i);
    // day: one or two digits, then white space
    int dayDigits = digits(s, i, 2);
    int day = number(s, i, dayDigits);
    i += dayDigits;
    int j = spaces(s, i);
    if (dayDigits == 0 || j == i) {
      return null;
    }
    i = j;
    // month: three letters, then white space
    if (i + 3 > n || !letter(s.charAt(i)) || !letter(s.charAt(i + 1)) || !letter(s.charAt(i + 2))) {
      return null;
    }
    int mon = MONTHS.indexOf(s.substring(i, i + 3).toLowerCase(java.util.Locale.ROOT));
    i += 3;
    j = spaces(s, i);
    if (j == i) {
      return null;
    }
    i = j;
    // year: two to four digits, then white space
    int yearDigits = digits(s, i, 4);
    int year = number(s, i, yearDigits);
    i += yearDigits;
    j = spaces(s, i);
    if (yearDigits < 2 || j == i) {
      return null;
    }
    i = j;
    // hh:mm, then :ss or not
    int hourDigits = digits(s, i, 2);
    int hour = number(s, i, hourDigits);
    i += hourDigits;
    if (hourDigits == 0 || !colonAndTwoDigits(s, i)) {
      return null;
    }
    int minute = number(s, i + 1, 2);
    i += 3;
    int second = 0;
    if (colonAndTwoDigits(s, i)) {
      second = number(s, i + 1, 2);
      i += 3;
    }
    i = spaces(s, i);
    ZoneOffset zone = ZoneOffset.UTC;
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-') && digits(s, i + 1, 4) == 4) {
      int hh = number(s, i + 1, 2);
      int mm = number(s, i + 3, 2);
      int seconds = hh * 3600 + mm * 60;
      if (hh <= 18 && mm < 60 && seconds <= 18 * 3600) { // ZoneOffset's range: +18:30 was an exception here
        zone = ZoneOffset.ofTotalSeconds(s.charAt(i) == '-' ? -seconds : seconds);
      }
      i += 5;
    } else {
      while (i < n && letter(s.charAt(i))) {
        i++;
      }
    }
    // the rest is anything on the line
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        return null;
      }
    }
    if (mon < 0 || mon % 3 != 0) {
      return null;
    }
    if (yearDigits <= 2) {
      year += year < 50 ? 2000 : 1900;
    }
    try {
      return ZonedDateTime.of(year, mon / 3 + 1, day, hour, minute, second, 0, zone);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static boolean letter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  /** How many digits (0-9) there are from {@code i} on, counting up to {@code max}. */
  private static int digits(String s, int i, int max) {
    int k = 0;
    while (k < max && i + k < s.length() && s.charAt(i + k) >= '0' && s.charAt(i + k) <= '9') {
      k++;
    }
    return k;
  }

  /** The number the {@code len} digits from {@code i} on write (0 for none). */
  private static int number(String s, int i, int len) {
    int v = 0;
    for (int k = 0; k < len; k++) {
      v = v * 10 + s.charAt(i + k) - '0';
    }
    return v;
  }

  private static boolean colonAndTwoDigits(String s, int i) {
    return i < s.length() && s.charAt(i) == ':' && digits(s, i + 1, 2) == 2;
  }

  /** The index after the white space ({@code \s}: space, tab, line feed, vertical tab, form feed, return) at {@code i}. */
  private static int spaces(String s, int i) {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != 0x0B && c != '\f' && c != '\r') {
        break;
      }
      i++;
    }
    return i;
  }
}
