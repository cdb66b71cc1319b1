package dev.postamt.cli;

import dev.postamt.admin.Admin;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command whose subcommands are its own methods, each taking {@code --config FILE} as a mixin
 * parameter (picocli lists such subcommands by name), and the base of {@link AdminCommand}: the admin
 * service on a config, and where to print (picocli's writers, so that tests running in parallel each
 * read their own output).
 */
abstract class AdminGroup {
  @Spec CommandSpec spec;

  /**
   * The admin service on the loaded config; a bad config is the command's one-line error. The data
   * directory gets its upgrade check (a snapshot when a different build last opened it) first.
   */
  static Admin admin(ConfigOption config) {
    return admin(config.load());
  }

  /** The admin service on {@code loaded}, after the data directory's upgrade check. */
  static Admin admin(dev.postamt.config.Config loaded) {
    try {
      dev.postamt.upgrade.Upgrade.beforeAdmin(loaded.dataDir());
    } catch (java.io.IOException e) {
      throw new CliException(e.getMessage());
    }
    return new Admin(loaded);
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
