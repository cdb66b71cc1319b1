package dev.postamt.reports;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One SMTP TLS report (RFC 8460 §4): how the TLS sessions of one sender to our MX hosts went.
 *
 * @param org {@code organization-name}
 * @param reportId {@code report-id}
 * @param contact {@code contact-info}
 * @param policies one entry per {@code policies} element
 */
public record TlsReport(String org, String reportId, Instant begin, Instant end, String contact, List<Policy> policies) {

  /**
   * One policy's summary (RFC 8460 §4.3, §4.4).
   *
   * @param type {@code policy-type}: sts, tlsa or no-policy-found
   * @param domain {@code policy-domain}
   * @param failuresByType {@code failure-details}: {@code result-type} to its {@code failed-session-count}
   */
  public record Policy(String type, String domain, long successes, long failures, Map<String, Long> failuresByType) {}
}
