package dev.postamt.cli;

import dev.postamt.admin.ConfigCheck;
import dev.postamt.config.Config;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option every command accepts. */
public final class ConfigOption {
  @Option(names = "--config", paramLabel = "FILE", description = "config file (default ./postamt.toml)")
  Path file;

  /** Loads the config, turning its problems into one error line. */
  public Config load() {
    return ConfigCheck.load(file);
  }
}
