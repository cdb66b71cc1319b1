package dev.postamt.cli;

import dev.postamt.admin.Admin;
import dev.postamt.config.Config;
import dev.postamt.dns.Resolvers;
import dev.postamt.queue.DurableSpool;
import dev.postamt.tlsrpt.Report;
import dev.postamt.tlsrpt.ReportSender;
import dev.postamt.tlsrpt.TlsReports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code postamt tlsrpt send}: the TLS reports (RFC 8460) of a day, now. */
@Command(name = "tlsrpt", description = "SMTP TLS reports (RFC 8460) about our outbound mail.",
    subcommands = TlsRptCommand.Send.class)
final class TlsRptCommand {

  @Command(name = "send",
      description = "Send the reports of a day (default: yesterday, UTC) to the domains that ask for them; --dry-run prints their JSON instead.")
  static final class Send extends AdminCommand {
    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "the UTC day to report (default yesterday)")
    String date;

    @Option(names = "--dry-run", description = "print each report's JSON, one a line; send nothing, forget nothing")
    boolean dryRun;

    @Override
    public Integer call() throws IOException {
      Admin admin = admin();
      Config config = admin.config();
      LocalDate day;
      try {
        day = date == null ? LocalDate.now(ZoneOffset.UTC).minusDays(1) : LocalDate.parse(date);
      } catch (DateTimeParseException e) {
        throw new CliException("tlsrpt send: --date must be YYYY-MM-DD, got \"" + date + "\"");
      }
      if (!dryRun && !config.tlsRpt().enabled()) {
        throw new CliException("tlsrpt send: sending is off ([tlsrpt] enabled = false); --dry-run shows the reports");
      }
      try (TlsReports results = TlsReports.open(config, Clock.systemUTC())) {
        ReportSender sender = ReportSender.create(config, Resolvers.fromConfig(config),
            new DurableSpool(config.dataDir().resolve("queue")), id -> admin.queue().requeue(id));
        if (dryRun) {
          for (Report r : sender.reports(results, day)) {
            out().println(new String(r.bytes(), StandardCharsets.UTF_8));
          }
          return 0;
        }
        var lines = sender.send(results, day);
        return print(lines.isEmpty() ? java.util.List.of("no TLS results for " + day) : lines);
      }
    }
  }
}
