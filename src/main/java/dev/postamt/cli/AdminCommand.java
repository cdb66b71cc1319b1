package dev.postamt.cli;

import dev.postamt.admin.Admin;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every administrative subcommand shares: {@code --config FILE}, the admin service on that config,
 * and where to print (picocli's writers, so that tests running in parallel each read their own output).
 */
abstract class AdminCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  /** The admin service on the loaded config; a bad config is the command's one-line error. */
  Admin admin() {
    return new Admin(config.load());
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Prints {@code lines}, one a line, and returns the success status. */
  Integer print(Iterable<?> lines) {
    PrintWriter out = out();
    lines.forEach(out::println);
    return 0;
  }

  Integer print(String line) {
    out().println(line);
    return 0;
  }
}
