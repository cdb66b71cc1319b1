package dev.postamt.cli;

import dev.postamt.config.Config;
import dev.postamt.config.ConfigException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option every command accepts. */
public final class ConfigOption {
  @Option(names = "--config", paramLabel = "FILE", description = "config file (default ./postamt.toml)")
  Path file;

  /** Loads the config, turning its problems into one CLI error line. */
  public Config load() {
    try {
      return Config.load(file == null ? Config.DEFAULT_FILE : file, file != null);
    } catch (ConfigException e) {
      throw new CliException("config: " + String.join("; ", e.problems()));
    }
  }
}
