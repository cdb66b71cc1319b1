package dev.postamt.cli;

import dev.postamt.config.Config;
import dev.postamt.events.Trace;
import dev.postamt.events.TrailRecord;
import dev.postamt.events.TrailStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code postamt trace QUEUE-ID|MESSAGE-ID|ADDRESS [--since DURATION]}: the life of a message from the
 * trail ({@code data_dir/trail.db}), one line per event in time order, grouped by message when an
 * address names several. Reads the trail directly, whether or not the server runs.
 */
@Command(name = "trace", description = "Show the life of a message: connection, checks, queue, delivery attempts, bounces.")
final class TraceCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "QUEUE-ID|MESSAGE-ID|ADDRESS", description = "a queue id, a Message-ID (with or without <>), or a sender or recipient address")
  String what;

  @Option(names = "--since", paramLabel = "DURATION", description = "only events of the last DURATION (\"2d\", \"5h\"); default: all the trail keeps")
  String since;

  @Override
  public Integer call() throws Exception {
    Config c = config.load();
    Instant from = Instant.EPOCH;
    if (since != null) {
      Duration d = Config.parseDuration(since);
      if (d == null || d.isZero()) {
        throw new CliException("--since: expected a duration like 30m, 5h or 2d, got \"" + since + "\"", 2);
      }
      from = Instant.now().minus(d);
    }
    if (what.isBlank()) {
      throw new CliException("give a queue id, a Message-ID or an address", 2);
    }
    if (!TrailStore.exists(c)) {
      throw new CliException("no trail for " + what + ": " + c.dataDir().resolve("trail.db") + " does not exist");
    }
    List<Trace.Message> found;
    try (TrailStore store = TrailStore.open(c)) {
      found = new Trace(store).find(what, from);
    } catch (TrailStore.Failure e) {
      throw new CliException(e.getMessage());
    }
    if (found.isEmpty()) {
      throw new CliException("no trail for " + what + (since != null ? " in the last " + since : ""));
    }
    PrintWriter out = spec.commandLine().getOut();
    ZoneId zone = ZoneId.systemDefault();
    for (int i = 0; i < found.size(); i++) {
      Trace.Message m = found.get(i);
      if (i > 0) {
        out.println();
      }
      out.println(Trace.heading(m));
      for (TrailRecord r : m.events()) {
        out.println("  " + Trace.line(r, zone));
      }
    }
    if (found.size() > 1) {
      out.println();
      out.println("-- " + found.size() + " messages");
    }
    out.flush();
    return 0;
  }
}
