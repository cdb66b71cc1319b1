package dev.postamt.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/**
 * Reads typed values from the TOML tree and collects every error with its key, so that one run of
 * {@code config check} lists them all. Each section's record parses itself through one of these.
 */
final class ConfigReader {
  final TomlTable toml;
  final Path base;
  final List<String> errors = new ArrayList<>();

  ConfigReader(TomlTable toml, Path base) {
    this.toml = toml;
    this.base = base;
  }

  private final Map<String, List<String>> keyPaths = new HashMap<>();

  /**
   * {@code dotted} as the key path tomlj's lookups take. Every lookup by a dotted string ({@link
   * TomlTable#contains(String)}, {@code getString(String)}, …) runs tomlj's ANTLR parser on the key, at
   * each call: about a third of reading a small config at start (issue 27, start to banner). Keys of bare
   * words joined by dots, as the config's own keys are, are split here; any other goes to tomlj's parse.
   */
  List<String> keyPath(String dotted) {
    return keyPaths.computeIfAbsent(dotted, ConfigReader::split);
  }

  /** The value at {@code key}, or null when the file does not set it. */
  private Object value(String key) {
    return toml.get(keyPath(key));
  }

  static List<String> split(String dotted) {
    boolean bare = !dotted.isEmpty() && dotted.charAt(0) != '.' && dotted.charAt(dotted.length() - 1) != '.'
        && !dotted.contains("..");
    for (int i = 0; bare && i < dotted.length(); i++) {
      char c = dotted.charAt(i);
      bare = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.';
    }
    return bare ? List.of(dotted.split("\\.")) : org.tomlj.Toml.parseDottedKey(dotted);
  }

  /**
   * Every value read, rendered as TOML, in the order read ({@code postamt config show}); {@code given}
   * when the file sets it.
   */
  final Map<String, Config.Setting> settings = new LinkedHashMap<>();

  void note(String key, String toml) {
    if (toml != null) {
      settings.put(key, new Config.Setting(key, toml, this.toml.contains(keyPath(key))));
    }
  }

  String string(String key, String def) {
    String v = readString(key, def);
    note(key, v == null || v.isEmpty() ? null : quote(v));
    return v;
  }

  boolean bool(String key, boolean def) {
    boolean v = readBool(key, def);
    note(key, Boolean.toString(v));
    return v;
  }

  List<String> strings(String key, List<String> def) {
    List<String> v = readStrings(key, def);
    note(key, "[" + String.join(", ", v.stream().map(ConfigReader::quote).toList()) + "]");
    return v;
  }

  int integer(String key, int def, int min, int max) {
    int v = readInteger(key, def, min, max);
    note(key, Integer.toString(v));
    return v;
  }

  /** A number with a fraction (TOML float or integer), between {@code min} and {@code max}. */
  double decimal(String key, double def, double min, double max) {
    double v = def;
    Object value = value(key);
    if (value != null) {
      if (value instanceof Double d) {
        v = d;
      } else if (value instanceof Long l) {
        v = l;
      } else {
        error(key, "must be a number");
      }
      if (v < min || v > max) {
        error(key, "must be between " + min + " and " + max + ", got " + v);
        v = def;
      }
    }
    note(key, Double.toString(v));
    return v;
  }

  long size(String key, long def, long min, long max) {
    long v = readSize(key, def, min, max);
    note(key, Long.toString(v));
    return v;
  }

  Duration duration(String key, Duration def, Duration min, Duration max) {
    Duration v = readDuration(key, def, min, max);
    note(key, quote(render(v)));
    return v;
  }

  /** A duration the way the config writes it: "250ms", "30s", "5m", "2h", "5d". */
  static String render(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    if (s != 0 && s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s != 0 && s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s != 0 && s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  void error(String key, String msg) {
    errors.add(key + ": " + msg);
  }

  void allowKeys(String table, String... keys) {
    TomlTable t = table.isEmpty() ? toml : (toml.isTable(keyPath(table)) ? toml.getTable(keyPath(table)) : null);
    if (t == null) {
      if (!table.isEmpty() && toml.contains(keyPath(table))) {
        error(table, "must be a table [" + table + "]");
      }
      return;
    }
    List<String> allowed = List.of(keys);
    for (String k : t.keySet()) {
      if (!allowed.contains(k)) {
        error(table.isEmpty() ? k : table + "." + k, "unknown key");
      }
    }
  }

  String readString(String key, String def) {
    Object v = value(key);
    if (v == null) {
      return def;
    }
    if (!(v instanceof String s)) {
      error(key, "must be a string");
      return def;
    }
    return s;
  }

  private boolean readBool(String key, boolean def) {
    Object v = value(key);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Boolean b)) {
      error(key, "must be true or false");
      return def;
    }
    return b;
  }

  Optional<Path> path(String key) {
    String s = string(key, "");
    if (s.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(base.resolve(s).normalize());
  }

  /**
   * A path or a list of paths ({@code before = "a.sieve"} or {@code before = ["a.sieve", "dir"]}),
   * resolved against the config's directory; empty when not set.
   */
  List<Path> pathOrPaths(String key) {
    List<String> raw;
    Object v = value(key);
    if (v == null) {
      raw = List.of();
    } else if (v instanceof String s) {
      raw = s.isEmpty() ? List.of() : List.of(s);
    } else if (v instanceof TomlArray) {
      raw = readStrings(key, List.of());
    } else {
      error(key, "must be a path or an array of paths");
      raw = List.of();
    }
    List<Path> out = new ArrayList<>();
    for (String s : raw) {
      if (s.isEmpty()) {
        error(key, "must not contain an empty path");
      } else {
        out.add(base.resolve(s).normalize());
      }
    }
    note(key, "[" + String.join(", ", out.stream().map(p -> quote(p.toString())).toList()) + "]");
    return out;
  }

  private List<String> readStrings(String key, List<String> def) {
    Object v = value(key);
    if (v == null) {
      return def;
    }
    if (!(v instanceof TomlArray a)) {
      error(key, "must be an array of strings");
      return def;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      Object o = a.get(i);
      if (o instanceof String s) {
        out.add(s);
      } else {
        error(key, "element " + (i + 1) + " must be a string");
      }
    }
    return out;
  }

  private int readInteger(String key, int def, int min, int max) {
    Object value = value(key);
    if (value == null) {
      return def;
    }
    if (!(value instanceof Long l)) {
      error(key, "must be an integer");
      return def;
    }
    long v = l;
    if (v < min || v > max) {
      error(key, "must be between " + min + " and " + max + ", got " + v);
      return def;
    }
    return (int) v;
  }

  /** A byte size: an integer, or a string like "25M", "512k", "1G". */
  private long readSize(String key, long def, long min, long max) {
    Object value = value(key);
    if (value == null) {
      return def;
    }
    long v;
    if (value instanceof Long l) {
      v = l;
    } else if (value instanceof String s) {
      v = Config.parseSize(s);
      if (v < 0) {
        error(key, "must be a size like 10485760, \"512k\", \"25M\" or \"1G\"");
        return def;
      }
    } else {
      error(key, "must be a size like 10485760 or \"25M\"");
      return def;
    }
    if (v < min || v > max) {
      error(key, "must be between " + min + " and " + max + " bytes, got " + v);
      return def;
    }
    return v;
  }

  private Duration readDuration(String key, Duration def, Duration min, Duration max) {
    Object value = value(key);
    if (value == null) {
      return def;
    }
    Duration d = null;
    if (value instanceof Long l) {
      d = Duration.ofSeconds(l);
    } else if (value instanceof String s) {
      d = Config.parseDuration(s);
    }
    if (d == null) {
      error(key, "must be a duration like \"30s\", \"5m\", \"1h\", \"5d\"");
      return def;
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      error(key, "must be between " + min + " and " + max + ", got " + d);
      return def;
    }
    return d;
  }
}
