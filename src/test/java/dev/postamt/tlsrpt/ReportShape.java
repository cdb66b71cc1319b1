package dev.postamt.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a report against the shape of RFC 8460 §4.4 (its JSON schema, written out as assertions):
 * required members and their types, the enumerated policy and result types, counts as non-negative
 * integers, and the summary's failure count equal to the sum of the failure details.
 */
final class ReportShape {
  private static final Set<String> TOP = Set.of("organization-name", "date-range", "contact-info", "report-id", "policies");
  private static final Set<String> POLICY_TYPES = Set.of("tlsa", "sts", "no-policy-found");
  private static final Set<String> RESULT_TYPES = Set.of("starttls-not-supported", "certificate-host-mismatch",
      "certificate-expired", "certificate-not-trusted", "validation-failure", "tlsa-invalid", "dnssec-invalid",
      "dane-required", "sts-policy-fetch-error", "sts-policy-invalid", "sts-webpki-invalid");
  private static final String DATE_TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})";

  private ReportShape() {}

  @SuppressWarnings("unchecked")
  static void check(Object json) {
    assertThat(json).isInstanceOf(Map.class);
    Map<String, Object> r = (Map<String, Object>) json;
    assertThat(r.keySet()).containsExactlyInAnyOrderElementsOf(TOP);
    assertThat(r.get("organization-name")).isInstanceOf(String.class);
    assertThat(r.get("contact-info")).isInstanceOf(String.class);
    assertThat(r.get("report-id")).isInstanceOf(String.class);
    Map<String, Object> range = (Map<String, Object>) r.get("date-range");
    assertThat(range.keySet()).containsExactlyInAnyOrder("start-datetime", "end-datetime");
    assertThat((String) range.get("start-datetime")).matches(DATE_TIME);
    assertThat((String) range.get("end-datetime")).matches(DATE_TIME);
    List<Object> policies = (List<Object>) r.get("policies");
    assertThat(policies).isNotEmpty();
    for (Object o : policies) {
      Map<String, Object> entry = (Map<String, Object>) o;
      assertThat(entry.keySet()).contains("policy", "summary").isSubsetOf("policy", "summary", "failure-details");
      Map<String, Object> p = (Map<String, Object>) entry.get("policy");
      assertThat(p.keySet()).contains("policy-type", "policy-domain").isSubsetOf("policy-type", "policy-string", "policy-domain", "mx-host");
      assertThat(POLICY_TYPES).contains((String) p.get("policy-type"));
      assertThat(p.get("policy-domain")).isInstanceOf(String.class);
      for (String list : List.of("policy-string", "mx-host")) {
        if (p.containsKey(list)) {
          assertThat((List<Object>) p.get(list)).allMatch(s -> s instanceof String);
        }
      }
      Map<String, Object> summary = (Map<String, Object>) entry.get("summary");
      assertThat(summary.keySet()).containsExactlyInAnyOrder("total-successful-session-count", "total-failure-session-count");
      long failures = count(summary.get("total-failure-session-count"));
      count(summary.get("total-successful-session-count"));
      long sum = 0;
      for (Object d : (List<Object>) entry.getOrDefault("failure-details", List.of())) {
        Map<String, Object> f = (Map<String, Object>) d;
        assertThat(f.keySet()).contains("result-type", "failed-session-count").isSubsetOf("result-type", "sending-mta-ip",
            "receiving-mx-hostname", "receiving-mx-helo", "receiving-ip", "failed-session-count", "additional-information",
            "failure-reason-code");
        assertThat(RESULT_TYPES).contains((String) f.get("result-type"));
        for (String ip : List.of("sending-mta-ip", "receiving-ip")) {
          if (f.containsKey(ip)) {
            assertThat((String) f.get(ip)).matches("[0-9.]+|[0-9a-fA-F:.]+");
          }
        }
        sum += count(f.get("failed-session-count"));
      }
      assertThat(sum).as("failure details add up to the summary").isEqualTo(failures);
    }
  }

  private static long count(Object o) {
    assertThat(o).isInstanceOf(Long.class);
    assertThat((Long) o).isNotNegative();
    return (Long) o;
  }
}
