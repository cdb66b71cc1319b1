package dev.postamt.admin;

import dev.postamt.config.Config;
import dev.postamt.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Loading, validating and showing the config file, for every command and for {@code postamt config}. */
public final class ConfigCheck {
  private ConfigCheck() {}

  /**
   * What {@code config check} found: the config when it is valid, else every problem with its key.
   *
   * @param file the file that was read, or would have been
   */
  public record Result(Path file, Optional<Config> config, List<String> problems) {
    public boolean ok() {
      return config.isPresent();
    }

    /** One line on a valid config: where it came from, the hostname and the data directory. */
    public String summary() {
      Config c = config.orElseThrow();
      return "config ok: " + (c.source() == null ? "defaults (no " + file + ")" : c.source())
          + "; hostname " + c.hostname() + "; data_dir " + c.dataDir();
    }
  }

  /**
   * Validates {@code file} ({@code null}: the default {@code ./postamt.toml}, which may be missing,
   * then the defaults apply; a file named explicitly must exist).
   */
  public static Result check(Path file) {
    Path f = file == null ? Config.DEFAULT_FILE : file;
    try {
      return new Result(f, Optional.of(Config.load(f, file != null)), List.of());
    } catch (ConfigException e) {
      return new Result(f, Optional.empty(), e.problems());
    }
  }

  /**
   * The effective configuration, key by key, each with its value as TOML and whether the file sets it
   * ({@code postamt config show}); the problems of an invalid file as one line.
   */
  public static List<Config.Setting> settings(Path file) {
    try {
      return Config.settings(file == null ? Config.DEFAULT_FILE : file, file != null);
    } catch (ConfigException e) {
      throw new AdminException("config: " + String.join("; ", e.problems()), e);
    }
  }

  /** Like {@link #check}, with the problems as one {@code config: …; …} line. */
  public static Config load(Path file) {
    Result r = check(file);
    if (!r.ok()) {
      throw new AdminException("config: " + String.join("; ", r.problems()));
    }
    return r.config().orElseThrow();
  }
}
