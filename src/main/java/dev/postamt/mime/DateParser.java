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
    int day = digit(s, i);
    if (day < 0) {
      return null;
    }
    i++;
    if (digit(s, i) >= 0) {
      day = day * 10 + digit(s, i++);
    }
    int j = spaces(s, i);
    if (j == i) {
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
    int year = 0;
    int digits = 0;
    while (digits < 4 && digit(s, i) >= 0) {
      year = year * 10 + digit(s, i++);
      digits++;
    }
    j = spaces(s, i);
    if (digits < 2 || j == i) {
      return null;
    }
    i = j;
    // hh:mm
    int hour = digit(s, i);
    if (hour < 0) {
      return null;
    }
    i++;
    if (digit(s, i) >= 0) {
      hour = hour * 10 + digit(s, i++);
    }
    if (i >= n || s.charAt(i) != ':' || digit(s, i + 1) < 0 || digit(s, i + 2) < 0) {
      return null;
    }
    int minute = digit(s, i + 1) * 10 + digit(s, i + 2);
    i += 3;
    int second = 0;
    if (i < n && s.charAt(i) == ':' && digit(s, i + 1) >= 0 && digit(s, i + 2) >= 0) {
      second = digit(s, i + 1) * 10 + digit(s, i + 2);
      i += 3;
    }
    i = spaces(s, i);
    ZoneOffset zone = ZoneOffset.UTC;
    if (i + 5 <= n && (s.charAt(i) == '+' || s.charAt(i) == '-') && digit(s, i + 1) >= 0 && digit(s, i + 2) >= 0
        && digit(s, i + 3) >= 0 && digit(s, i + 4) >= 0) {
      int hh = digit(s, i + 1) * 10 + digit(s, i + 2);
      int mm = digit(s, i + 3) * 10 + digit(s, i + 4);
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
    if (digits <= 2) {
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

  /** The digit at {@code i} (0-9), or -1 where there is none. */
  private static int digit(String s, int i) {
    if (i >= s.length()) {
      return -1;
    }
    char c = s.charAt(i);
    return c >= '0' && c <= '9' ? c - '0' : -1;
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
