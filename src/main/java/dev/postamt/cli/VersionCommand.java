package dev.postamt.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code postamt version}: the same line as {@code postamt --version}. */
@Command(name = "version", description = "Print the version (like --version).")
final class VersionCommand implements Callable<Integer> {
  /** Accepted and ignored, so that {@code --config FILE} may stand anywhere on every command line. */
  @Mixin ConfigOption config;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.root().commandLine().printVersionHelp(spec.commandLine().getOut());
    return 0;
  }
}
