package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.directory.Directory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/** {@code postamt dkim keygen}: the key logic is tested in DkimKeysTest; here only the command. */
@ResourceLock("System.out")
class DkimCommandTest {
  @TempDir Path dir;

  Path config() throws Exception {
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(cfg, "data_dir = \"data\"\n");
    return cfg;
  }

  @Test
  void keygenForALocalDomainPrintsTheRecord() throws Exception {
    Path cfg = config();
    try (Directory d = Directory.open(dir.resolve("data"))) {
      d.addDomain("example.test");
    }
    java.io.StringWriter out = new java.io.StringWriter();
    int status =
        Main.run(
            new java.io.PrintWriter(out, true),
            new java.io.PrintWriter(new java.io.StringWriter(), true),
            "dkim", "keygen", "example.test", "--selector", "s1", "--algorithm", "ed25519", "--config", cfg.toString());
    assertThat(status).isZero();
    assertThat(out.toString()).contains("s1._domainkey.example.test. IN TXT ( \"v=DKIM1; k=ed25519; p=");
    assertThat(dir.resolve("data/dkim/example.test/s1.ed25519.key")).exists();
  }

  @Test
  void keygenRefusesOtherDomains() throws Exception {
    Path cfg = config();
    try (Directory d = Directory.open(dir.resolve("data"))) {
      d.addDomain("example.test");
    }
    assertThat(Main.run("dkim", "keygen", "example.org", "--config", cfg.toString())).isEqualTo(1);
    assertThat(dir.resolve("data/dkim/example.org")).doesNotExist();
  }
}
