package dev.postamt.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code postamt help [COMMAND…]}: the usage of the command named, like {@code postamt COMMAND --help}.
 */
@Command(name = "help", description = "Show the commands, or how to use one: help user add.")
final class HelpCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "COMMAND", description = "the command, e.g. user or user add")
  List<String> words = new ArrayList<>();

  /** Accepted and ignored, so that {@code --config FILE} may stand anywhere on every command line. */
  @Mixin ConfigOption config;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine target = spec.root().commandLine();
    for (String w : words) {
      CommandLine sub = target.getSubcommands().get(w);
      if (sub == null) {
        throw new CliException("no command '" + String.join(" ", words) + "' (see 'postamt help')", 2);
      }
      target = sub;
    }
    target.usage(spec.commandLine().getOut());
    return 0;
  }
}
