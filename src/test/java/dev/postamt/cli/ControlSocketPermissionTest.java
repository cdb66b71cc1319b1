package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postamt status} run by a user who may not reach the server's control socket (its directory is
 * the server user's, mode 0700) says so, instead of reporting a running server as not running. The CLI
 * runs in a process without capabilities (setpriv), so that root's own permission checks apply to it,
 * against a {@code run} directory owned by nobody.
 */
class ControlSocketPermissionTest {
  @TempDir Path dir;

  @Test
  void aSocketThisUserMayNotReachIsSaidToBeSo() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "no /usr/bin/setpriv here (util-linux)");
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root, to give the directory to nobody");
    Path run = Files.createDirectories(dir.resolve("data/run"));
    Files.setPosixFilePermissions(run, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Process chown = new ProcessBuilder("chown", "65534:65534", run.toString()).start();
    assertThat(chown.waitFor(30, TimeUnit.SECONDS) && chown.exitValue() == 0).as("chown nobody " + run).isTrue();
    Path cfg = Files.writeString(dir.resolve("postamt.toml"), "hostname = \"mx.example.test\"\ndata_dir = \"data\"\n");
    Process p = new ProcessBuilder(List.of("/usr/bin/setpriv", "--bounding-set=-all", "--inh-caps=-all", "--",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
        "dev.postamt.cli.Main", "status", "--config", cfg.toString()))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out.lines().filter(l -> !l.startsWith("WARNING")).toList()).containsExactly("postamt: cannot reach the server:"
        + " no permission to use the control socket " + run.resolve("control.sock") + ": run this as the user the server"
        + " runs as, or as root");
    assertThat(p.exitValue()).isNotZero();
  }
}
