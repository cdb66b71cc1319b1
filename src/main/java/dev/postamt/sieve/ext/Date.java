package dev.postamt.sieve.ext;

import static dev.postamt.sieve.Definitions.test;

import dev.postamt.mime.HeaderText;
import dev.postamt.sieve.Checker;
import dev.postamt.sieve.CompiledNode;
import dev.postamt.sieve.Execution;
import dev.postamt.sieve.SieveExtension;
import dev.postamt.sieve.SieveRuntimeException;
import dev.postamt.sieve.Signature;
import dev.postamt.sieve.Signature.TagSpec;
import dev.postamt.sieve.Signature.Type;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.JulianFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RFC 5260 "date": the date and currentdate tests, comparing one part of a date ("year", "date",
 * "iso8601", "weekday", ...) in a chosen zone ({@code :zone "+0100"}, {@code :originalzone}, or the
 * server's zone).
 */
public final class Date {
  private Date() {}

  static final String ZONE = "zone";

  public static SieveExtension extension() {
    Signature date = Signature.builder().tags(Signature.MATCH_TAGS).tags(Signature.INDEX_TAGS)
        .tag(new TagSpec("zone", Type.STRING, ZONE, null)).tag(new TagSpec("originalzone", Type.NONE, ZONE, null))
        .arg(Type.STRING, "header name").arg(Type.STRING, "date part").arg(Type.STRING_LIST, "key list").build();
    Signature current = Signature.builder().tags(Signature.MATCH_TAGS)
        .tag(new TagSpec("zone", Type.STRING, ZONE, null))
        .arg(Type.STRING, "date part").arg(Type.STRING_LIST, "key list").build();
    return SieveExtension.of("date",
        test("date", date, Date::checkDate, Date::date),
        test("currentdate", current, Date::checkCurrent, Date::currentdate));
  }

  static boolean knownPart(String p) {
    return switch (p.toLowerCase(Locale.ROOT)) {
      case "year", "month", "day", "date", "julian", "hour", "minute", "second", "time", "iso8601", "std11",
          "zone", "weekday" -> true;
      default -> false;
    };
  }

  static void checkPart(Checker c, CompiledNode n, int i) {
    if (n.string(i).isConstant() && !knownPart(n.string(i).text())) {
      c.error(n.argAt(i), "invalid date part '" + n.string(i).text() + "' for " + n.def().describe());
    }
    if (n.has("zone") && n.tagString("zone").isConstant() && parseZone(n.tagString("zone").text()) == null) {
      c.warning(n.tagAt("zone"), "invalid time zone '" + n.tagString("zone").text() + "'");
    }
  }

  static void checkDate(Checker c, CompiledNode n) {
    checkPart(c, n, 1);
    Index.check(c, n);
    if (n.string(0).isConstant() && !Core.validHeaderName(n.string(0).text())) {
      c.error(n.argAt(0), "specified header field name '" + n.string(0).text() + "' is invalid");
    }
  }

  static void checkCurrent(Checker c, CompiledNode n) {
    checkPart(c, n, 0);
  }

  /** "+hhmm" / "-hhmm" (RFC 5260 §4.1). */
  static ZoneOffset parseZone(String z) {
    if (z.length() != 5 || z.charAt(0) != '+' && z.charAt(0) != '-') {
      return null;
    }
    for (int i = 1; i < 5; i++) {
      if (!Character.isDigit(z.charAt(i))) {
        return null;
      }
    }
    int h = Integer.parseInt(z.substring(1, 3));
    int m = Integer.parseInt(z.substring(3, 5));
    if (h > 18 || m > 59) {
      return null;
    }
    int secs = (h * 3600 + m * 60) * (z.charAt(0) == '-' ? -1 : 1);
    return ZoneOffset.ofTotalSeconds(secs);
  }

  static ZonedDateTime inZone(Execution x, CompiledNode n, ZonedDateTime d, boolean original) {
    if (n.has("originalzone") && original) {
      return d;
    }
    if (n.has("zone")) {
      ZoneOffset z = parseZone(n.tagString("zone").eval(x));
      return z == null ? d : d.withZoneSameInstant(z);
    }
    return d.withZoneSameInstant(x.environment().now().getZone());
  }

  static boolean date(Execution x, CompiledNode n) throws SieveRuntimeException {
    String header = n.string(0).eval(x);
    String part = n.string(1).eval(x).toLowerCase(Locale.ROOT);
    if (!knownPart(part)) {
      return false;
    }
    List<String> values = new ArrayList<>();
    for (String v : Index.select(n, x.headerValues(header))) {
      if (header.equalsIgnoreCase("received")) {
        int semi = v.lastIndexOf(';');
        v = semi < 0 ? v : v.substring(semi + 1);
      }
      ZonedDateTime d = HeaderText.parseDate(v);
      if (d != null) {
        values.add(part(inZone(x, n, d, true), part));
      }
    }
    return (!values.isEmpty() || n.match().type() == dev.postamt.sieve.Match.Type.COUNT)
        && n.match().matches(x, values, n.strings(2));
  }

  static boolean currentdate(Execution x, CompiledNode n) throws SieveRuntimeException {
    String part = n.string(0).eval(x).toLowerCase(Locale.ROOT);
    if (!knownPart(part)) {
      return false;
    }
    ZonedDateTime now = (ZonedDateTime) x.state().computeIfAbsent("currentdate", k -> x.environment().now());
    return n.match().matches(x, List.of(part(inZone(x, n, now, false), part)), n.strings(1));
  }

  /** One date part as RFC 5260 §4.3 writes it. */
  static String part(ZonedDateTime d, String part) {
    return switch (part) {
      case "year" -> String.format("%04d", d.getYear());
      case "month" -> String.format("%02d", d.getMonthValue());
      case "day" -> String.format("%02d", d.getDayOfMonth());
      case "date" -> String.format("%04d-%02d-%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth());
      case "julian" -> Long.toString(d.toLocalDate().getLong(JulianFields.MODIFIED_JULIAN_DAY));
      case "hour" -> String.format("%02d", d.getHour());
      case "minute" -> String.format("%02d", d.getMinute());
      case "second" -> String.format("%02d", d.getSecond());
      case "time" -> String.format("%02d:%02d:%02d", d.getHour(), d.getMinute(), d.getSecond());
      case "iso8601" -> d.format(DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx", Locale.ROOT));
      case "std11" -> d.format(DateTimeFormatter.ofPattern("EEE, d MMM uuuu HH:mm:ss xx", Locale.ROOT));
      case "zone" -> d.format(DateTimeFormatter.ofPattern("xx", Locale.ROOT));
      default -> Integer.toString(d.getDayOfWeek().getValue() % 7);
    };
  }
}
