package dev.postamt.reports;

import java.time.Instant;
import java.util.List;

/**
 * Writes our DMARC aggregate report for one sender domain and one day as the XML of RFC 7489 Appendix
 * C: {@code report_metadata}, {@code policy_published} as we found the record, and one {@code record}
 * per distinct outcome with its count.
 */
final class AggregateReportXml {
  private AggregateReportXml() {}

  /** The policy as published in the sender's DMARC record (RFC 7489 §6.3 tags). */
  record Published(String domain, String adkim, String aspf, String p, String sp, int pct) {}

  static String write(String org, String email, String reportId, Instant begin, Instant end, Published policy,
      List<ReportStore.Observed> rows) {
    StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback>\n");
    b.append("  <version>1.0</version>\n  <report_metadata>\n");
    el(b, 4, "org_name", org);
    el(b, 4, "email", email);
    el(b, 4, "report_id", reportId);
    b.append("    <date_range>\n");
    el(b, 6, "begin", Long.toString(begin.getEpochSecond()));
    el(b, 6, "end", Long.toString(end.getEpochSecond()));
    b.append("    </date_range>\n  </report_metadata>\n  <policy_published>\n");
    el(b, 4, "domain", policy.domain());
    el(b, 4, "adkim", policy.adkim());
    el(b, 4, "aspf", policy.aspf());
    el(b, 4, "p", policy.p());
    el(b, 4, "sp", policy.sp());
    el(b, 4, "pct", Integer.toString(policy.pct()));
    b.append("  </policy_published>\n");
    for (ReportStore.Observed row : rows) {
      DmarcObservation o = row.observation();
      b.append("  <record>\n    <row>\n");
      el(b, 6, "source_ip", o.sourceIp());
      el(b, 6, "count", Long.toString(row.count()));
      b.append("      <policy_evaluated>\n");
      el(b, 8, "disposition", o.disposition());
      el(b, 8, "dkim", o.dkimAligned() ? "pass" : "fail");
      el(b, 8, "spf", o.spfAligned() ? "pass" : "fail");
      b.append("      </policy_evaluated>\n    </row>\n    <identifiers>\n");
      el(b, 6, "header_from", o.headerFrom());
      if (!o.envelopeFrom().isEmpty()) {
        el(b, 6, "envelope_from", o.envelopeFrom());
      }
      b.append("    </identifiers>\n    <auth_results>\n");
      if (!o.dkimAuth().isEmpty()) {
        for (String sig : o.dkimAuth().split(",")) {
          String[] f = sig.split(":", 3);
          b.append("      <dkim>\n");
          el(b, 8, "domain", f[0]);
          if (f.length > 1 && !f[1].isEmpty()) {
            el(b, 8, "selector", f[1]);
          }
          el(b, 8, "result", f.length > 2 ? f[2] : "none");
          b.append("      </dkim>\n");
        }
      }
      b.append("      <spf>\n");
      el(b, 8, "domain", o.spfDomain().isEmpty() ? o.headerFrom() : o.spfDomain());
      el(b, 8, "scope", "mfrom");
      el(b, 8, "result", spfResult(o.spfResult()));
      b.append("      </spf>\n    </auth_results>\n  </record>\n");
    }
    return b.append("</feedback>\n").toString();
  }

  /** RFC 7489 Appendix C SPFResultType: none, neutral, pass, fail, softfail, temperror, permerror. */
  private static String spfResult(String r) {
    return switch (r) {
      case "none", "neutral", "pass", "fail", "softfail", "temperror", "permerror" -> r;
      default -> "none";
    };
  }

  private static void el(StringBuilder b, int indent, String name, String value) {
    b.append(" ".repeat(indent)).append('<').append(name).append('>').append(escape(value)).append("</")
        .append(name).append(">\n");
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        default -> {
          if (c >= 0x20 || c == '\t') {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
