package dev.postamt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs {@code postamt} commands against a config file in a temp dir, capturing what they print. */
final class CliFixture {
  final Path data;
  final Path config;

  record Result(int status, String out, String err) {
    List<String> lines() {
      return out.isEmpty() ? List.of() : Arrays.asList(out.split("\\R"));
    }
  }

  CliFixture(Path tmp) throws IOException {
    data = tmp.resolve("data");
    config = tmp.resolve("postamt.toml");
    // An empty [listen] table: no service would bind even if one were started.
    Files.writeString(config, "hostname = \"mx.test\"\ndata_dir = \"" + data + "\"\n[listen]\n");
  }

  /** Runs {@code args} with {@code --config config} added (for tests with several installations). */
  static Result runWith(Path config, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config");
    all.add(config.toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status;
    try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
      status = Main.run(o, e, all.toArray(String[]::new));
    }
    return new Result(status, out.toString(), err.toString());
  }

  /** A config file {@code dir/name/postamt.toml} with its data in {@code data}, plus {@code extra}. */
  static Path installation(Path dir, String name, String extra) throws IOException {
    Path d = Files.createDirectories(dir.resolve(name));
    Path f = d.resolve("postamt.toml");
    Files.writeString(f, "hostname = \"mx.example.test\"\ndata_dir = \"data\"\n" + extra);
    return f;
  }

  Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config");
    all.add(config.toString());
    return runAsGiven(all.toArray(String[]::new));
  }

  /** Runs exactly {@code args}, without adding {@code --config}. */
  Result runAsGiven(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status;
    try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
      status = Main.run(o, e, args);
    }
    return new Result(status, out.toString(), err.toString());
  }

  /** Runs a command that must succeed, and returns its output. */
  Result ok(String... args) {
    Result r = run(args);
    if (r.status() != 0) {
      throw new AssertionError("postamt " + String.join(" ", args) + " exited " + r.status() + ": " + r.err());
    }
    return r;
  }
}
