package dev.postamt.console;

import dev.postamt.config.Config;
import dev.postamt.reports.ReportException;
import dev.postamt.reports.ReportStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code /admin/reports[?domain=D&since=30d]}: the DMARC aggregate and TLS reports other sites sent us
 * (see {@code dev.postamt.reports}), as {@code postamt reports dmarc|tls} shows them — per source IP
 * with DMARC pass and fail and SPF/DKIM alignment, the volume per day, and TLS sessions per policy
 * domain with failures by result type. A domain administrator sees the reports about their domains only.
 */
final class ReportsPage implements ConsoleApp.Family {

  @Override
  public void get(ConsolePage c, String view) {
    if (!view.isEmpty()) {
      throw ConsoleException.notFound("There is no such page in the admin console.");
    }
    String domainParam = Optional.ofNullable(c.param("domain")).orElse("").strip().toLowerCase(Locale.ROOT);
    String sinceParam = Optional.ofNullable(c.param("since")).filter(s -> !s.isBlank()).orElse("30d").strip();
    Duration d = Config.parseDuration(sinceParam);
    if (d == null || d.isZero()) {
      throw ConsoleException.invalid("since", "Give the period as a duration like 30d or 12h.");
    }
    Optional<Set<String>> domains;
    if (!domainParam.isEmpty()) {
      if (!c.scope.administers(domainParam)) {
        throw ConsoleException.notFound("You administer no domain " + domainParam + ".");
      }
      domains = Optional.of(Set.of(domainParam));
    } else {
      domains = c.scope.global() ? Optional.empty() : Optional.of(Set.copyOf(c.p.roles().domains()));
    }
    Instant since = Instant.now().minus(d);
    StringBuilder b = new StringBuilder("<h1>Reports</h1>");
    b.append("<p class=\"hint\">DMARC aggregate reports (RFC 7489) and TLS reports (RFC 8460) that other mail systems"
        + " sent about our domains: who sends mail in our name, whether it passes, and whether mail reaches us over"
        + " TLS.</p>");
    b.append("<form method=\"get\" action=\"/admin/reports\" class=\"inline\">")
        .append(c.input("domain", "Domain", "text", domainParam, null))
        .append(c.input("since", "Since", "text", sinceParam, "e.g. 7d, 30d"))
        .append("<button type=\"submit\" class=\"secondary\">Show</button></form>");
    try (ReportStore store = ReportStore.open(c.admin.config())) {
      long[] counts = store.reportCounts(domains, since);
      List<ReportStore.DmarcSource> sources = store.dmarcBySource(domains, since);
      List<ReportStore.DmarcDay> days = store.dmarcByDay(domains, since);
      List<ReportStore.TlsSummary> tls = store.tlsByDomain(domains, since);
      long messages = sources.stream().mapToLong(ReportStore.DmarcSource::messages).sum();
      long passed = sources.stream().mapToLong(ReportStore.DmarcSource::passed).sum();
      b.append("<h2>DMARC</h2><p id=\"dmarc-summary\">").append(counts[0]).append(" reports, ").append(messages)
          .append(" messages: ").append(passed).append(" pass, ").append(messages - passed).append(" fail.</p>");
      List<List<String>> rows = new ArrayList<>();
      for (ReportStore.DmarcSource s : sources) {
        rows.add(List.of("<code>" + ConsolePage.esc(s.ip()) + "</code>", Long.toString(s.messages()),
            Long.toString(s.passed()), Long.toString(s.failed()), Long.toString(s.spfAligned()),
            Long.toString(s.dkimAligned())));
      }
      b.append(ConsolePage.table("dmarc-sources", List.of("Source IP", "Messages", "Pass", "Fail", "SPF aligned",
          "DKIM aligned"), rows, "No DMARC reports in this period."));
      long max = days.stream().mapToLong(ReportStore.DmarcDay::messages).max().orElse(1);
      List<List<String>> dayRows = new ArrayList<>();
      for (ReportStore.DmarcDay day : days) {
        dayRows.add(List.of(day.day().toString(), Long.toString(day.messages()), Long.toString(day.passed()),
            Long.toString(day.failed()), "<meter min=\"0\" max=\"" + max + "\" value=\"" + day.messages() + "\">"
                + day.messages() + "</meter>"));
      }
      if (!dayRows.isEmpty()) {
        b.append("<h3>Per day</h3>").append(ConsolePage.table("dmarc-days", List.of("Day", "Messages", "Pass", "Fail",
            "Volume"), dayRows, ""));
      }
      b.append("<h2>TLS</h2><p id=\"tls-summary\">").append(counts[1]).append(" reports.</p>");
      List<List<String>> tlsRows = new ArrayList<>();
      for (ReportStore.TlsSummary t : tls) {
        tlsRows.add(List.of(ConsolePage.esc(t.domain()), Long.toString(t.successes()), Long.toString(t.failures()),
            ConsolePage.esc(byType(t.failuresByType()))));
      }
      b.append(ConsolePage.table("tls-domains", List.of("Policy domain", "Successful sessions", "Failed sessions",
          "Failures by result type"), tlsRows, "No TLS reports in this period."));
    } catch (ReportException e) {
      b.append(dev.postamt.web.Html.notice("error", "The reports cannot be read right now: " + e.getMessage()));
    }
    c.show("Reports", "reports", b.toString());
  }

  @Override
  public void post(ConsolePage c, String action) {
    throw ConsoleException.notFound("There is no such action.");
  }

  private static String byType(Map<String, Long> m) {
    return m.isEmpty() ? "-" : m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
        .thenComparing(Map.Entry.comparingByKey())).map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
  }
}
