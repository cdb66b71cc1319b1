package dev.postamt.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code postamt serve} in a process of its own (this JVM's java and class path), for what only a real
 * process shows: signals, the locale it starts in, its start. Its config is {@code dir/postamt.toml}
 * (the {@code [log] file} {@code dir/postamt.log}), its output {@code dir/stdout.log}.
 */
final class ChildServer {
  private ChildServer() {}

  /** A config with {@code hostname}, {@code listen} lines and the log file in {@code dir}; returns its path. */
  static Path config(Path dir, String... listen) throws IOException {
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(cfg, "hostname = \"mx.example.test\"\n[listen]\n" + String.join("\n", listen)
        + "\n[log]\nfile = \"postamt.log\"\n");
    return cfg;
  }

  /**
   * Starts {@code serve} on {@code cfg}; {@code prefix} runs it under another program (e.g. nohup),
   * {@code env} changes its environment.
   */
  static Process start(Path cfg, List<String> prefix, Consumer<java.util.Map<String, String>> env) throws IOException {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), "dev.postamt.cli.Main", "serve", "--config", cfg.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(cfg.resolveSibling("stdout.log").toFile());
    env.accept(pb.environment());
    return pb.start();
  }

  static Process start(Path cfg) throws IOException {
    return start(cfg, List.of(), e -> {});
  }

  /** A port that was free a moment ago. */
  static int freePort() {
    return dev.postamt.testing.Ports.free();
  }

  /** The output of the CLI run with {@code args} in this JVM; fails unless it exits 0. */
  static String cli(String... args) {
    dev.postamt.testing.CliRun r = dev.postamt.testing.CliRun.of(args);
    org.assertj.core.api.Assertions.assertThat(r.status()).as("postamt %s: %s", String.join(" ", args), r.err()).isZero();
    return r.out();
  }
}
