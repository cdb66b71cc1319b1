package dev.postamt.reports;

import dev.postamt.jmap.json.Json;
import dev.postamt.jmap.json.JsonException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads an SMTP TLS report (RFC 8460 §4, the JSON of §4.4), with the project's strict JSON parser. */
public final class TlsReportParser {
  private TlsReportParser() {}

  public static TlsReport parse(byte[] json) throws ReportException {
    Object root;
    try {
      root = Json.parse(json);
    } catch (JsonException e) {
      throw new ReportException("not a TLS report: bad JSON: " + e.getMessage());
    }
    if (!(root instanceof Map<?, ?> r)) {
      throw new ReportException("not a TLS report: the JSON is no object");
    }
    String org = string(r, "organization-name", true);
    String id = string(r, "report-id", true);
    if (!(r.get("date-range") instanceof Map<?, ?> range)) {
      throw new ReportException("TLS report " + id + " of " + org + ": date-range is missing");
    }
    Instant begin = time(string(range, "start-datetime", true), id);
    Instant end = time(string(range, "end-datetime", true), id);
    if (!(r.get("policies") instanceof List<?> policies)) {
      throw new ReportException("TLS report " + id + " of " + org + ": policies is missing");
    }
    List<TlsReport.Policy> out = new ArrayList<>();
    for (Object o : policies) {
      if (!(o instanceof Map<?, ?> p) || !(p.get("policy") instanceof Map<?, ?> policy)
          || !(p.get("summary") instanceof Map<?, ?> summary)) {
        throw new ReportException("TLS report " + id + " of " + org + ": a policy lacks policy or summary");
      }
      Map<String, Long> byType = new LinkedHashMap<>();
      if (p.get("failure-details") instanceof List<?> details) {
        for (Object d : details) {
          if (d instanceof Map<?, ?> detail) {
            byType.merge(string(detail, "result-type", false).toLowerCase(Locale.ROOT),
                number(detail, "failed-session-count"), Long::sum);
          }
        }
      }
      out.add(new TlsReport.Policy(string(policy, "policy-type", false).toLowerCase(Locale.ROOT),
          string(policy, "policy-domain", true).toLowerCase(Locale.ROOT),
          number(summary, "total-successful-session-count"), number(summary, "total-failure-session-count"),
          Map.copyOf(byType)));
    }
    return new TlsReport(org, id, begin, end, string(r, "contact-info", false), List.copyOf(out));
  }

  private static String string(Map<?, ?> m, String key, boolean required) throws ReportException {
    Object v = m.get(key);
    if (v instanceof String s && !s.isBlank()) {
      return s.strip();
    }
    if (required) {
      throw new ReportException("not a TLS report: \"" + key + "\" is missing");
    }
    return "";
  }

  private static long number(Map<?, ?> m, String key) throws ReportException {
    Object v = m.get(key);
    if (v == null) {
      return 0;
    }
    if (v instanceof Long l && l >= 0) {
      return l;
    }
    throw new ReportException("TLS report: \"" + key + "\" is not a count");
  }

  private static Instant time(String s, String id) throws ReportException {
    try {
      return java.time.OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw new ReportException("TLS report " + id + ": \"" + s + "\" is not an RFC 3339 date-time");
    }
  }
}
