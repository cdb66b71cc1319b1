package dev.postamt.cli;

import dev.postamt.config.Config;
import dev.postamt.dns.Resolver;
import dev.postamt.dns.Resolvers;
import dev.postamt.net.ControlSocket;
import dev.postamt.queue.DurableSpool;
import dev.postamt.reports.DmarcReportSender;
import dev.postamt.reports.ReportException;
import dev.postamt.reports.ReportIntake;
import dev.postamt.reports.ReportStore;
import dev.postamt.reports.ReportsService;
import dev.postamt.reports.SpoolOutbox;
import dev.postamt.server.Server;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postamt reports import|dmarc|tls|send-dmarc}: the DMARC aggregate and TLS-RPT reports received
 * (summaries per source and per day, per policy domain) and the DMARC aggregate reports we send (see
 * {@code dev.postamt.reports} and docs/reports.md).
 */
@Command(name = "reports", description = "DMARC and TLS reports: import and summarise received ones, send our own.")
final class ReportsCommand extends AdminGroup {
  private static final Logger log = LoggerFactory.getLogger(ReportsCommand.class);

  @Command(name = "import", description = "Read reports from files, messages, an mbox, a Maildir or a directory tree.")
  Integer importReports(
      @Parameters(arity = "1..*", paramLabel = "PATH", description = "report files (.xml, .xml.gz, .zip, .json), messages, mbox, Maildir") List<Path> paths,
      @Mixin ConfigOption config) {
    Config cfg = config.load();
    try (ReportStore store = open(cfg)) {
      ReportIntake intake = new ReportIntake(store, cfg.reports().maxUncompressed());
      List<String> problems = new ArrayList<>();
      int dmarc = 0;
      int tls = 0;
      int dup = 0;
      for (Path p : paths) {
        try {
          ReportIntake.Outcome o = intake.path(p);
          dmarc += o.dmarc();
          tls += o.tls();
          dup += o.duplicates();
          problems.addAll(o.problems());
        } catch (IOException e) {
          throw new CliException("cannot read " + p + ": " + e.getMessage());
        }
      }
      problems.forEach(spec.commandLine().getErr()::println);
      print("imported " + dmarc + " DMARC and " + tls + " TLS reports" + (dup > 0 ? ", " + dup + " already known" : "")
          + (problems.isEmpty() ? "" : ", " + problems.size() + " not readable"));
      return problems.isEmpty() || dmarc + tls + dup > 0 ? 0 : 1;
    }
  }

  @Command(name = "dmarc", description = "Summarise received DMARC aggregate reports: per source IP and per day.")
  Integer dmarc(
      @Option(names = "--domain", paramLabel = "DOMAIN", description = "only reports about this domain") String domain,
      @Option(names = "--since", paramLabel = "DURATION", defaultValue = "30d", description = "reports ending within this (default 30d)") String since,
      @Option(names = "--names", description = "show the reverse DNS name of each source") boolean names,
      @Mixin ConfigOption config) {
    Config cfg = config.load();
    Instant from = since(since);
    Optional<Set<String>> domains = domains(domain);
    try (ReportStore store = open(cfg)) {
      List<ReportStore.DmarcSource> sources = store.dmarcBySource(domains, from);
      List<ReportStore.DmarcDay> days = store.dmarcByDay(domains, from);
      long[] counts = store.reportCounts(domains, from);
      long messages = sources.stream().mapToLong(ReportStore.DmarcSource::messages).sum();
      long passed = sources.stream().mapToLong(ReportStore.DmarcSource::passed).sum();
      List<String> out = new ArrayList<>();
      out.add(counts[0] + " DMARC reports since " + day(from) + domain(domain) + ": " + messages + " messages, "
          + passed + " pass, " + (messages - passed) + " fail");
      if (!sources.isEmpty()) {
        Resolver resolver = names ? Resolvers.fromConfig(cfg) : null;
        out.add("");
        out.add(String.format(Locale.ROOT, "%-39s %9s %9s %9s %11s %12s%s", "SOURCE IP", "MESSAGES", "PASS", "FAIL",
            "SPF-ALIGNED", "DKIM-ALIGNED", names ? "  NAME" : ""));
        for (ReportStore.DmarcSource s : sources) {
          out.add(String.format(Locale.ROOT, "%-39s %9d %9d %9d %11d %12d%s", s.ip(), s.messages(), s.passed(),
              s.failed(), s.spfAligned(), s.dkimAligned(), names ? "  " + reverse(resolver, s.ip()) : ""));
        }
        out.add("");
        out.add(String.format(Locale.ROOT, "%-10s %9s %9s %9s", "DAY", "MESSAGES", "PASS", "FAIL"));
        for (ReportStore.DmarcDay d : days) {
          out.add(String.format(Locale.ROOT, "%-10s %9d %9d %9d", d.day(), d.messages(), d.passed(), d.failed()));
        }
      }
      return print(out);
    } catch (ReportException e) {
      throw new CliException(e.getMessage());
    }
  }

  @Command(name = "tls", description = "Summarise received TLS reports (RFC 8460): per policy domain.")
  Integer tls(
      @Option(names = "--domain", paramLabel = "DOMAIN", description = "only this policy domain") String domain,
      @Option(names = "--since", paramLabel = "DURATION", defaultValue = "30d", description = "reports ending within this (default 30d)") String since,
      @Mixin ConfigOption config) {
    Config cfg = config.load();
    Instant from = since(since);
    Optional<Set<String>> domains = domains(domain);
    try (ReportStore store = open(cfg)) {
      List<ReportStore.TlsSummary> rows = store.tlsByDomain(domains, from);
      long[] counts = store.reportCounts(domains, from);
      List<String> out = new ArrayList<>();
      out.add(counts[1] + " TLS reports since " + day(from) + domain(domain));
      if (!rows.isEmpty()) {
        out.add("");
        out.add(String.format(Locale.ROOT, "%-30s %10s %9s  %s", "POLICY DOMAIN", "SUCCESSES", "FAILURES", "FAILURES BY RESULT TYPE"));
        for (ReportStore.TlsSummary t : rows) {
          out.add(String.format(Locale.ROOT, "%-30s %10d %9d  %s", t.domain(), t.successes(), t.failures(),
              byType(t.failuresByType())));
        }
      }
      return print(out);
    } catch (ReportException e) {
      throw new CliException(e.getMessage());
    }
  }

  @Command(name = "send-dmarc", description = "Send the DMARC aggregate reports of one day (default yesterday, UTC).")
  Integer sendDmarc(
      @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "the UTC day to report on") String date,
      @Option(names = "--dry-run", description = "say what would be sent, send nothing") boolean dryRun,
      @Mixin ConfigOption config) {
    Config cfg = config.load();
    try (ReportStore store = open(cfg)) {
      DmarcReportSender sender = new DmarcReportSender(cfg, store, Resolvers.fromConfig(cfg), Clock.systemUTC());
      LocalDate day;
      try {
        day = date == null ? sender.yesterday() : LocalDate.parse(date);
      } catch (DateTimeParseException e) {
        throw new CliException("--date must be a day like 2026-05-01, got \"" + date + "\"", 2);
      }
      DmarcReportSender.Outbox outbox = null;
      if (!dryRun) {
        DurableSpool spool;
        try {
          spool = new DurableSpool(cfg.dataDir().resolve("queue"));
        } catch (IOException e) {
          throw new CliException("cannot open the queue: " + e.getMessage());
        }
        outbox = new SpoolOutbox(spool, cfg.hostname(), id -> {
          try {
            ControlSocket.request(ControlSocket.path(cfg), "requeue " + id);
          } catch (IOException e) {
            log.debug("requeue {}: {}", id, e.getMessage()); // the server finds it at start
          }
        });
      }
      List<DmarcReportSender.Outcome> outcomes = sender.send(day, outbox);
      if (outcomes.isEmpty()) {
        return print("no DMARC evaluations recorded for " + day + ": nothing to report");
      }
      return print(outcomes.stream().map(DmarcReportSender.Outcome::line).toList());
    } catch (ReportException e) {
      throw new CliException(e.getMessage());
    }
  }

  // ---- serve ----

  /**
   * Starts the reports work of {@code serve} and wires it to the server: deliveries to the reports
   * mailbox are read, inbound DMARC evaluations counted, our reports queued on the server's spool. A
   * failure is logged and the server runs on without it.
   */
  static AutoCloseable startService(Config cfg, Server server) {
    try {
      ReportsService reports = ReportsService.start(cfg, server.store(), server.resolver(),
          new SpoolOutbox(server.spool(), cfg.hostname(), server.queue()::submit), Clock.systemUTC());
      server.onDelivery(reports::delivered);
      server.onDmarcEvaluation(reports.recorder());
      return reports;
    } catch (ReportException | RuntimeException e) {
      log.warn("reports: not started: {}", e.getMessage());
      return () -> {};
    }
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.warn("reports: closing: {}", e.getMessage());
    }
  }

  // ---- helpers ----

  private static ReportStore open(Config cfg) {
    try {
      return ReportStore.open(cfg);
    } catch (ReportException e) {
      throw new CliException(e.getMessage());
    }
  }

  private static Instant since(String text) {
    Duration d = Config.parseDuration(text);
    if (d == null || d.isZero()) {
      throw new CliException("--since must be a duration like 30d or 12h, got \"" + text + "\"", 2);
    }
    return Instant.now().minus(d);
  }

  private static Optional<Set<String>> domains(String domain) {
    if (domain == null) {
      return Optional.empty();
    }
    dev.postamt.admin.Admin.checkDomainName(domain);
    return Optional.of(Set.of(domain.strip().toLowerCase(Locale.ROOT)));
  }

  private static String domain(String domain) {
    return domain == null ? "" : " for " + domain.strip().toLowerCase(Locale.ROOT);
  }

  private static String day(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC).toString();
  }

  static String byType(Map<String, Long> m) {
    return m.isEmpty() ? "-" : m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
        .thenComparing(Map.Entry.comparingByKey())).map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
  }

  private static String reverse(Resolver resolver, String ip) {
    try {
      List<String> names = resolver.ptr(InetAddress.ofLiteral(ip)).records();
      return names.isEmpty() ? "-" : names.getFirst();
    } catch (RuntimeException e) {
      return "-";
    }
  }
}
