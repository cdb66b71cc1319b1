package dev.postamt.tlsrpt;

import dev.postamt.jmap.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * One aggregate report (RFC 8460 §4.4): one policy domain, one UTC day, every policy its sessions were
 * held to. Member names and nesting follow the RFC's JSON schema; counts are integers, times RFC 3339 UTC.
 *
 * @param submitter our domain, for the report's id and the file name (§5.3)
 */
public record Report(String domain, LocalDate day, String organization, String contact, String submitter,
    List<TlsReports.PolicyResults> policies) {

  /** The first second of the day. */
  public long begin() {
    return day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
  }

  /** The last second of the day (the RFC's example ends at 23:59:59Z). */
  public long end() {
    return begin() + 86_399;
  }

  /** {@code report-id}: unique per domain and day, stable so that a resent report is recognised (§4.4). */
  public String id() {
    return day + "." + domain + "@" + submitter;
  }

  /**
   * The file name of §5.3: {@code sender!policy-domain!begin-timestamp!end-timestamp.json.gz}, times in
   * seconds since the epoch.
   */
  public String fileName() {
    return submitter + "!" + domain + "!" + begin() + "!" + end() + ".json.gz";
  }

  /** The report as a JSON value (maps and lists). */
  public Map<String, Object> json() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("organization-name", organization);
    Map<String, Object> range = new LinkedHashMap<>();
    range.put("start-datetime", day + "T00:00:00Z");
    range.put("end-datetime", day + "T23:59:59Z");
    o.put("date-range", range);
    o.put("contact-info", contact);
    o.put("report-id", id());
    List<Object> ps = new ArrayList<>();
    for (TlsReports.PolicyResults r : policies) {
      Map<String, Object> entry = new LinkedHashMap<>();
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("policy-type", r.policy().type().word());
      if (!r.policy().strings().isEmpty()) {
        p.put("policy-string", r.policy().strings());
      }
      p.put("policy-domain", domain);
      if (!r.policy().mxHosts().isEmpty()) {
        p.put("mx-host", r.policy().mxHosts());
      }
      entry.put("policy", p);
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("total-successful-session-count", r.successes());
      summary.put("total-failure-session-count", r.failureCount());
      entry.put("summary", summary);
      if (!r.failures().isEmpty()) {
        List<Object> details = new ArrayList<>();
        for (TlsReports.FailureCount fc : r.failures()) {
          TlsReports.Failure f = fc.failure();
          Map<String, Object> d = new LinkedHashMap<>();
          d.put("result-type", f.type().word());
          putIfAny(d, "sending-mta-ip", f.sendingIp());
          putIfAny(d, "receiving-mx-hostname", f.mxHost());
          putIfAny(d, "receiving-ip", f.receivingIp());
          d.put("failed-session-count", fc.count());
          putIfAny(d, "failure-reason-code", f.reason());
          details.add(d);
        }
        entry.put("failure-details", details);
      }
      ps.add(entry);
    }
    o.put("policies", ps);
    return o;
  }

  private static void putIfAny(Map<String, Object> m, String key, String value) {
    if (!value.isEmpty()) {
      m.put(key, value);
    }
  }

  /** The JSON text, UTF-8. */
  public byte[] bytes() {
    return Json.write(json()).getBytes(StandardCharsets.UTF_8);
  }

  /** The JSON text gzipped, as §5 wants it sent ({@code application/tlsrpt+gzip}). */
  public byte[] gzip() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(bytes());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // in memory: cannot happen
    }
    return out.toByteArray();
  }
}
