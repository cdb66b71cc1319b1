package dev.postamt.cli;

import dev.postamt.admin.SpamAdmin;
import dev.postamt.filter.bayes.BayesStore;
import dev.postamt.filter.bayes.Training;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postamt spam learn|stats}: train the Bayes classifier and the checksums of known spam, as
 * {@code sa-learn} does, and show what they learned; the logic is {@link SpamAdmin}.
 */
@Command(
    name = "spam",
    description = "Train the spam filter (Bayes, checksums of known spam) and show what it learned.",
    subcommands = {SpamCommand.Learn.class, SpamCommand.Stats.class, SpamCommand.Scan.class, SpamListsCommand.class})
final class SpamCommand {

  /** Exactly one of --spam, --ham, --forget. */
  static final class What {
    @Option(names = "--spam", required = true, description = "learn the messages as spam") boolean spam;
    @Option(names = "--ham", required = true, description = "learn the messages as ham (wanted mail)") boolean ham;
    @Option(names = "--forget", required = true, description = "take the messages out of what was learned") boolean forget;

    Training.Mode mode() {
      return spam ? Training.Mode.SPAM : ham ? Training.Mode.HAM : Training.Mode.FORGET;
    }
  }

  @Command(name = "learn", description = {
      "Learn a message file, a Maildir, an mbox or a directory tree of those as spam or ham, or forget them.",
      "Learning is idempotent: a message learned twice counts once; learned the other way it moves."})
  static final class Learn extends AdminCommand {
    @ArgGroup(exclusive = true, multiplicity = "1") What what;

    @Option(names = "--user", paramLabel = "ADDRESS", description = "the user's own database (default: the global one)")
    String user;

    @Parameters(paramLabel = "PATH", description = "message file, Maildir, mbox or directory")
    Path path;

    @Override
    public Integer call() {
      SpamAdmin.LearnReport r = admin().spam().learn(path, what.mode(), user);
      PrintWriter out = out();
      if (what.mode() == Training.Mode.FORGET) {
        out.printf("forgot: %d forgotten, %d not known, %d skipped (database: %s)%n",
            r.count(BayesStore.Outcome.FORGOTTEN), r.count(BayesStore.Outcome.NOT_KNOWN), r.skipped().size(),
            r.database());
      } else {
        out.printf("%s: %d learned, %d relearned, %d already known, %d skipped (database: %s)%n",
            what.mode() == Training.Mode.SPAM ? "spam" : "ham", r.count(BayesStore.Outcome.LEARNED),
            r.count(BayesStore.Outcome.RELEARNED), r.count(BayesStore.Outcome.ALREADY_KNOWN), r.skipped().size(),
            r.database());
      }
      return 0;
    }
  }

  @Command(name = "stats", description = "Messages and tokens learned, globally or for one user.")
  static final class Stats extends AdminCommand {
    @Option(names = "--user", paramLabel = "ADDRESS", description = "the user's own database (default: the global one)")
    String user;

    @Override
    public Integer call() {
      SpamAdmin.Stats s = admin().spam().stats(user);
      PrintWriter out = out();
      out.println("database: " + s.database() + (s.perUser() ? " (spam.bayes_per_user on)" : ""));
      out.println("spam messages: " + s.bayes().spam());
      out.println("ham messages: " + s.bayes().ham());
      out.println("tokens: " + s.bayes().tokens());
      out.println("oldest learned: " + s.bayes().oldest().map(Instant::toString).orElse("-"));
      out.println("newest learned: " + s.bayes().newest().map(Instant::toString).orElse("-"));
      out.println("checksums of spam: " + s.checksums());
      return 0;
    }
  }

  @Command(name = "scan", description = {
      "Print the verdict for every message under the paths (files, Maildirs, mboxes, directories): SCORE ACTION ORIGIN.",
      "A dry run: nothing is learned or delivered. Each message is judged as of its arrival (its last Received)."})
  static final class Scan extends AdminCommand {
    @Option(names = "--user", paramLabel = "ADDRESS", description = "scan as mail for this user (per-user Bayes and lists)")
    String user;

    @Option(names = "--threads", paramLabel = "N", description = "messages scanned in parallel (default: 1)")
    int threads = 1;

    @Option(names = "--symbols", description = "also print the symbols: SCORE ACTION SYMBOL=SCORE,… ORIGIN")
    boolean symbols;

    @Option(names = "--files-from", paramLabel = "FILE", description = "read the paths from FILE, one per line")
    Path filesFrom;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "message file, Maildir, mbox or directory")
    java.util.List<Path> paths = new java.util.ArrayList<>();

    @Override
    public Integer call() {
      java.util.List<Path> all = new java.util.ArrayList<>(paths);
      if (filesFrom != null) {
        try {
          for (String line : java.nio.file.Files.readAllLines(filesFrom)) {
            if (!line.isBlank()) {
              all.add(Path.of(line.strip()));
            }
          }
        } catch (java.io.IOException e) {
          throw new CliException("cannot read " + filesFrom + ": " + e.getMessage());
        }
      }
      if (all.isEmpty()) {
        throw new CliException("spam scan: name at least one PATH (or --files-from FILE)");
      }
      if (threads < 1 || threads > 256) {
        throw new CliException("--threads must be between 1 and 256, got " + threads);
      }
      dev.postamt.admin.SpamScan.Report r = admin().spamScan().scan(all, user, threads);
      PrintWriter out = out();
      for (dev.postamt.admin.SpamScan.Result res : r.results()) {
        dev.postamt.filter.Verdict v = res.verdict();
        String tests = !symbols ? "" : " " + (v.symbols().isEmpty() ? "-" : String.join(",", v.symbols().stream()
            .map(s -> s.name() + "=" + dev.postamt.filter.Verdict.number(s.score())).toList()));
        out.println(dev.postamt.filter.Verdict.oneDecimal(v.score()) + " " + v.action().word() + tests + " " + res.origin());
      }
      out.flush();
      int n = r.results().size();
      System.err.printf(java.util.Locale.ROOT, "scanned %d messages in %.2f s (%.1f msgs/s, %d thread(s))%s%n", n, r.seconds(),
          r.seconds() > 0 ? n / r.seconds() : 0.0, threads, r.skipped().isEmpty() ? "" : "; skipped: " + r.skipped().size());
      return 0;
    }
  }
}
