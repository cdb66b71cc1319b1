package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postamt backup PATH}, {@code backup verify PATH} and {@code restore PATH} as commands: output and exit status. */
class BackupCommandTest {
  @TempDir Path dir;

  private static CliFixture.Result run(Path config, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--config", config.toString())).toArray(String[]::new);
    int status;
    try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
      status = Main.run(o, e, all);
    }
    return new CliFixture.Result(status, out.toString(), err.toString());
  }

  @Test
  void backupVerifyAndRestoreReportInOneLineEachAndFailWithExitOne() throws Exception {
    Path backups = dir.resolve("backups");
    try (TestServer t = TestServer.start(dir.resolve("srv"))) {
      Path config = t.dir.resolve("postamt.toml");
      CliFixture.Result b = run(config, "backup", backups.toString());
      assertThat(b.status()).as(b.err()).isZero();
      assertThat(b.out()).startsWith("backup " + backups).contains("whole installation");

      CliFixture.Result v = run(config, "backup", "verify", backups.toString());
      assertThat(v.status()).as(v.err()).isZero();
      assertThat(v.out()).contains("all match");

      Path snapshot;
      try (var s = Files.list(backups)) {
        snapshot = s.filter(Files::isDirectory).findFirst().orElseThrow();
      }
      Path config0 = snapshot.resolve("config/postamt.toml");
      assertThat(config0).hasSameTextualContentAs(config);
      Files.writeString(config0, "# changed\n", StandardOpenOption.APPEND);
      CliFixture.Result bad = run(config, "backup", "verify", backups.toString());
      assertThat(bad.status()).isEqualTo(1);
      assertThat(bad.err().strip()).startsWith("postamt: backup verify: ").contains("config/postamt.toml").doesNotContain("\n");

      CliFixture.Result running = run(config, "restore", backups.toString());
      assertThat(running.status()).isEqualTo(1);
      assertThat(running.err()).contains("stop it before restoring");

      CliFixture.Result noPath = run(config, "backup");
      assertThat(noPath.status()).isNotZero();
      assertThat(noPath.err()).contains("PATH").doesNotContain("Exception");
    }
  }
}
