package dev.postamt.cli;

import dev.postamt.config.Config;
import dev.postamt.config.ConfigException;
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
      Path f = file == null ? Config.DEFAULT_FILE : file;
      try {
        Config c = Config.load(f, file != null);
        spec.commandLine().getOut().println(
            "config ok: " + (c.source() == null ? "defaults (no " + f + ")" : c.source())
                + "; hostname " + c.hostname() + "; data_dir " + c.dataDir());
        return 0;
      } catch (ConfigException e) {
        for (String p : e.problems()) {
          spec.commandLine().getErr().println("postamt: config: " + p);
        }
        return 1;
      }
    }
  }
}
