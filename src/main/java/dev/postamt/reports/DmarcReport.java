package dev.postamt.reports;

import java.time.Instant;
import java.util.List;

/**
 * One DMARC aggregate report (RFC 7489 §7.2, the XML of Appendix C) as received or as we build one.
 *
 * @param org {@code report_metadata/org_name}: who reports
 * @param email {@code report_metadata/email}: their contact
 * @param reportId {@code report_metadata/report_id}, unique per reporter
 * @param begin {@code date_range/begin}
 * @param end {@code date_range/end}
 * @param domain {@code policy_published/domain}: the domain the report is about (ours, when received)
 * @param policy {@code policy_published/p}
 * @param rows the {@code record}s
 */
public record DmarcReport(
    String org, String email, String reportId, Instant begin, Instant end, String domain, String policy, List<Row> rows) {

  /**
   * One {@code record}: messages from one source with one outcome.
   *
   * @param disposition {@code policy_evaluated/disposition}: none, quarantine or reject
   * @param dkim {@code policy_evaluated/dkim}: pass when an aligned DKIM signature verified
   * @param spf {@code policy_evaluated/spf}: pass when SPF passed for an aligned domain
   * @param headerFrom {@code identifiers/header_from}
   * @param dkimAuth {@code auth_results/dkim} as {@code domain=result}, comma-separated
   * @param spfAuth {@code auth_results/spf} as {@code domain=result}, comma-separated
   */
  public record Row(String sourceIp, long count, String disposition, String dkim, String spf, String headerFrom,
      String dkimAuth, String spfAuth) {
    /** DMARC passes when either aligned identifier passes (RFC 7489 §4.2). */
    public boolean passed() {
      return "pass".equals(dkim) || "pass".equals(spf);
    }
  }

  /** The number of messages the report covers. */
  public long messages() {
    return rows.stream().mapToLong(Row::count).sum();
  }
}
