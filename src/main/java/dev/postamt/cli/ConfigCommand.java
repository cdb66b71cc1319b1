package dev.postamt.cli;

import dev.postamt.admin.ConfigCheck;
import dev.postamt.config.Config;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "config", description = "Configuration commands.", subcommands = {ConfigCommand.Check.class, ConfigCommand.Show.class})
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
        spec.commandLine().getOut().println(AdminGroup.admin(r.config().orElseThrow()).postmaster());
        r.config().orElseThrow().listen().warnings().forEach(w -> spec.commandLine().getOut().println("warning: " + w));
        r.config().orElseThrow().policy().warnings().forEach(w -> spec.commandLine().getOut().println("warning: " + w));
        return 0;
      }
      for (String p : r.problems()) {
        spec.commandLine().getErr().println("postamt: config: " + p);
      }
      return 1;
    }
  }

  @Command(
      name = "show",
      description = "Print the effective configuration as TOML (like postconf; --changed: like postconf -n).")
  static final class Show implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "config file (default ./postamt.toml)")
    Path file;

    @Option(names = "--changed", description = "only the settings the file sets")
    boolean changed;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      List<Config.Setting> settings = ConfigCheck.settings(file);
      var out = spec.commandLine().getOut();
      String table = "";
      for (Config.Setting s : settings) {
        if (changed && !s.given()) {
          continue;
        }
        // "limits.message_size" goes under [limits]; a quoted key ("transport.\"a.b\"") splits at its first dot
        int dot = s.key().indexOf('.');
        String section = dot < 0 ? "" : s.key().substring(0, dot);
        if (!section.equals(table)) {
          out.println();
          out.println("[" + section + "]");
          table = section;
        }
        out.println(s.key().substring(dot + 1) + " = " + s.value());
      }
      return 0;
    }
  }
}
