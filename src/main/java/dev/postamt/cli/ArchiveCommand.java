package dev.postamt.cli;

import dev.postamt.archive.ArchiveQuery;
import dev.postamt.archive.ArchiveVerifier;
import dev.postamt.archive.ArchivedMessage;
import dev.postamt.archive.AuditLog;
import dev.postamt.archive.LegalHold;
import dev.postamt.archive.RetentionSweep;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postamt archive search|export|verify|hold|audit|sweep}: the compliance journal
 * ({@code [archive] journal = true}); the logic is {@link dev.postamt.admin.ArchiveAdmin}. Searches,
 * exports, holds and sweeps are recorded in the archive's audit log under the operating-system user.
 */
@Command(
    name = "archive",
    description = "Search, export and verify the compliance journal; legal holds; its audit log.",
    subcommands = {ArchiveCommand.Search.class, ArchiveCommand.Export.class, ArchiveCommand.Verify.class,
        ArchiveCommand.Hold.class, ArchiveCommand.Audit.class, ArchiveCommand.Sweep.class})
final class ArchiveCommand {

  static String actor() {
    return System.getProperty("user.name", "unknown");
  }

  /** QUERY and the filters of search and export. */
  abstract static class Queried extends AdminCommand {
    @Parameters(paramLabel = "QUERY", arity = "0..1", defaultValue = "",
        description = "words each found in the subject, sender, a recipient, Message-ID or queue id (\"*\" or \"\": every message)")
    String text;

    @Option(names = "--from", paramLabel = "A", description = "envelope sender: an address, or a domain")
    String from;

    @Option(names = "--to", paramLabel = "A", description = "an envelope recipient: an address, or a domain")
    String to;

    @Option(names = "--since", paramLabel = "D", description = "journalled at or after: 2026-12-04, 2026-12-04T10:00:00Z, or an age (30d, 12h, 2w)")
    String since;

    @Option(names = "--until", paramLabel = "D", description = "journalled before (same forms as --since)")
    String until;

    @Option(names = "--domain", paramLabel = "D", description = "the sender or a recipient is in this domain")
    String domain;

    ArchiveQuery query() {
      try {
        return ArchiveQuery.of(text, from, to, domain, since, until, Instant.now());
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage(), 2);
      }
    }
  }

  @Command(name = "search", description = "List the journalled messages that match: time, queue id, sender, recipients, subject, Message-ID.")
  static final class Search extends Queried {
    @Override
    public Integer call() {
      List<ArchivedMessage> found = admin().archive().search(query(), actor());
      PrintWriter out = out();
      for (ArchivedMessage m : found) {
        out.println(line(m));
      }
      out.printf(Locale.ROOT, "-- %d message%s%n", found.size(), found.size() == 1 ? "" : "s");
      return 0;
    }
  }

  /** One search result. */
  static String line(ArchivedMessage m) {
    return m.time().truncatedTo(ChronoUnit.SECONDS) + "  " + m.queueId() + "  from=<" + m.sender() + ">  to="
        + String.join(",", m.recipients().stream().map(r -> "<" + r + ">").toList()) + "  subject=\""
        + m.subject().replaceAll("\\p{Cntrl}", " ") + "\"  id=" + (m.messageId().isEmpty() ? "-" : m.messageId());
  }

  @Command(name = "export", description = "Write the journalled messages that match to an mbox file (mboxrd).")
  static final class Export extends Queried {
    @Option(names = "--mbox", paramLabel = "FILE", required = true, description = "the mbox file to write (replaced)")
    Path mbox;

    @Override
    public Integer call() {
      int n = admin().archive().export(query(), mbox, actor());
      return print("Exported " + n + " message" + (n == 1 ? "" : "s") + " to " + mbox);
    }
  }

  @Command(name = "verify", description = "Check the whole hash chain of the journal; exit 1 naming where it breaks.")
  static final class Verify extends AdminCommand {
    @Override
    public Integer call() {
      ArchiveVerifier.Report r = admin().archive().verify(actor());
      PrintWriter out = out();
      r.notes().forEach(n -> out.println("note: " + n));
      if (!r.intact()) {
        r.problems().forEach(out::println);
        out.flush();
        throw new CliException("archive verify: " + r.problems().size() + " problem(s); first: " + r.problems().getFirst());
      }
      return print("Journal intact: " + r.records() + " record(s) in " + r.segments() + " segment(s); last seq "
          + r.headSeq() + " sha256 " + r.headHash());
    }
  }

  @Command(name = "hold", description = "Legal holds: messages of an address or domain are not deleted while one stands.",
      subcommands = {HoldAdd.class, HoldRemove.class, HoldList.class})
  static final class Hold {}

  @Command(name = "add", description = "Hold every message from or to ADDRESS, or from or to anyone in DOMAIN.")
  static final class HoldAdd extends AdminCommand {
    @Parameters(paramLabel = "DOMAIN-or-ADDRESS")
    String target;

    @Option(names = "--reason", paramLabel = "TEXT", description = "why (a case number), kept with the hold")
    String reason;

    @Override
    public Integer call() {
      return print(admin().archive().addHold(target, reason, actor()));
    }
  }

  @Command(name = "remove", description = "Lift a legal hold.")
  static final class HoldRemove extends AdminCommand {
    @Parameters(paramLabel = "DOMAIN-or-ADDRESS")
    String target;

    @Override
    public Integer call() {
      return print(admin().archive().removeHold(target, actor()));
    }
  }

  @Command(name = "list", description = "List the legal holds: target, since, by whom, reason.")
  static final class HoldList extends AdminCommand {
    @Override
    public Integer call() {
      List<LegalHold> holds = admin().archive().holds();
      if (holds.isEmpty()) {
        return print("No legal holds");
      }
      PrintWriter out = out();
      for (LegalHold h : holds) {
        out.printf(Locale.ROOT, "%-32s since=%s by=%s  %s%n", h.target(), h.since().truncatedTo(ChronoUnit.SECONDS), h.by(), h.reason());
      }
      return 0;
    }
  }

  @Command(name = "audit", description = "Print the archive's audit log: every search, export, hold and sweep; exit 1 if its chain is broken.")
  static final class Audit extends AdminCommand {
    @Override
    public Integer call() {
      AuditLog.Contents c = admin().archive().audit();
      print(c.lines());
      if (c.brokenAt() > 0) {
        out().flush();
        throw new CliException("archive audit: the log's chain breaks at line " + c.brokenAt() + " (edited, removed or reordered)");
      }
      return 0;
    }
  }

  @Command(name = "sweep", description = "Delete what is past its retention and not on legal hold now (the server does it daily; only while it is stopped).")
  static final class Sweep extends AdminCommand {
    @Override
    public Integer call() {
      RetentionSweep.Result r = admin().archive().sweep(actor());
      print(r.deleted().stream().map(l -> "deleted " + l).toList());
      return print("Swept: " + r.deleted().size() + " message(s) deleted in " + r.segments().size() + " segment(s), "
          + r.keptForHold() + " past retention kept for a legal hold");
    }
  }
}
