package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** {@code postamt check spf} end to end: config with a zone file in a temp dir, output captured. */
@ResourceLock(Resources.SYSTEM_OUT)
@ResourceLock(Resources.SYSTEM_ERR)
class CheckCommandTest {
  @TempDir Path dir;

  private record Run(int status, String out, String err) {
    String firstWord() {
      return out.isBlank() ? "" : out.lines().findFirst().orElse("").split(" ")[0];
    }
  }

  private Path config(String zone) throws IOException {
    Files.writeString(dir.resolve("zone.txt"), zone);
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(cfg, "hostname = \"mx.receiver.test\"\ndata_dir = \"data\"\n[dns]\nzone_file = \"zone.txt\"\n");
    return cfg;
  }

  private static final String ZONE =
      """
      $ORIGIN example.test.
      @        TXT "v=spf1 ip4:192.0.2.0/24 -all exp=why.example.test"
      why      TXT "%{i} may not send for %{d} (checked by %{r})"
      helo     TXT "v=spf1 a -all"
      helo     A   198.51.100.7
      broken   TXT "v=spf1 ip4:192.0.2.300 -all"
      """;

  // Output is captured per call (not through System.out/err), so tests running in parallel, and the
  // log lines of servers they start, cannot mix into it.
  private static Run run(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int status = Main.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void passAndFailWithExplanation() throws IOException {
    String cfg = config(ZONE).toString();
    Run pass = run("check", "spf", "--ip", "192.0.2.10", "--mail-from", "user@example.test", "--helo", "x.test", "--config", cfg);
    assertThat(pass.status()).isZero();
    assertThat(pass.firstWord()).isEqualTo("pass");
    assertThat(pass.out()).contains("smtp.mailfrom=user@example.test");

    Run fail = run("check", "spf", "--ip", "203.0.113.5", "--mail-from", "user@example.test", "--helo", "x.test", "--config", cfg);
    assertThat(fail.status()).isZero();
    assertThat(fail.firstWord()).isEqualTo("fail");
    assertThat(fail.out()).contains("explanation: 203.0.113.5 may not send for example.test (checked by mx.receiver.test)");
  }

  @Test
  void nullSenderChecksTheHeloIdentity() throws IOException {
    String cfg = config(ZONE).toString();
    Run pass = run("check", "spf", "--ip", "198.51.100.7", "--mail-from", "", "--helo", "helo.example.test", "--config", cfg);
    assertThat(pass.firstWord()).isEqualTo("pass");
    assertThat(pass.out()).contains("smtp.helo=helo.example.test");
    Run fail = run("check", "spf", "--ip", "198.51.100.8", "--mail-from", "", "--helo", "helo.example.test", "--config", cfg);
    assertThat(fail.firstWord()).isEqualTo("fail");
  }

  @Test
  void noneAndPermerrorAreResultsToo() throws IOException {
    String cfg = config(ZONE).toString();
    Run none = run("check", "spf", "--ip", "192.0.2.1", "--mail-from", "a@nowhere.test", "--helo", "x.test", "--config", cfg);
    assertThat(none.status()).isZero();
    assertThat(none.firstWord()).isEqualTo("none");
    Run perm = run("check", "spf", "--ip", "192.0.2.1", "--mail-from", "a@broken.example.test", "--helo", "x.test", "--config", cfg);
    assertThat(perm.status()).isZero();
    assertThat(perm.firstWord()).isEqualTo("permerror");
    assertThat(perm.out()).contains("ip4:192.0.2.300");
  }

  @Test
  void badInputIsAOneLineError() throws IOException {
    String cfg = config(ZONE).toString();
    Run badIp = run("check", "spf", "--ip", "not-an-ip", "--mail-from", "a@example.test", "--config", cfg);
    assertThat(badIp.status()).isNotZero();
    assertThat(badIp.out()).isEmpty();
    assertThat(badIp.err()).contains("--ip").hasLineCount(1);

    String badCfg = config("x.test. A 999.1.1.1\n").toString();
    Run badZone = run("check", "spf", "--ip", "192.0.2.1", "--mail-from", "a@example.test", "--config", badCfg);
    assertThat(badZone.status()).isNotZero();
    assertThat(badZone.err()).contains("zone.txt:1").hasLineCount(1);
  }
}
