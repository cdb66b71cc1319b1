package dev.postamt.cli;

import dev.postamt.admin.ConfigCheck;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "config", description = "Configuration commands.", subcommands = ConfigCommand.Check.class)
final class ConfigCommand {

  @Command(name = "check", description = "Validate the config; print every error with its key.")
  static final class Check implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "config file (default ./postamt.toml)")
    Path file;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      ConfigCheck.Result r = ConfigCheck.check(file);
      if (r.ok()) {
        spec.commandLine().getOut().println(r.summary());
        return 0;
      }
      for (String p : r.problems()) {
        spec.commandLine().getErr().println("postamt: config: " + p);
      }
      return 1;
    }
  }
}
