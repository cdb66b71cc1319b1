package dev.postamt.managesieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.testing.TestServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's {@code sieve-connect} (a Perl ManageSieve client) against the whole server, as a user would run
 * it: STARTTLS, AUTHENTICATE PLAIN, upload, list, activate, download, a refused broken script, delete.
 * Skipped where {@code sieve-connect} is not installed ({@code apt-get install sieve-connect}).
 */
class SieveConnectInteropTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("managesieve");
  @TempDir Path tmp;

  private static boolean installed() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "sieve-connect"))) {
        return true;
      }
    }
    return false;
  }

  private record Run(int status, String output) {}

  private Run sieveConnect(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("sieve-connect", "--server", "127.0.0.1", "--port",
        String.valueOf(t.port("managesieve")), "--user", "alice@example.test", "--passwordfd", "0", "--notlsverify",
        "--authmech", "PLAIN"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().write((TestServer.PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("sieve-connect finished").isTrue();
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void uploadListActivateDownloadAndDelete() throws Exception {
    assumeTrue(installed(), "sieve-connect is not installed (apt-get install sieve-connect)");
    SieveScripts scripts = t.server.sieveScripts();
    String script = "require [\"fileinto\", \"imap4flags\"];\nif header :contains \"Subject\" \"[list]\" {\n"
        + "  addflag \"\\\\Flagged\";\n  fileinto \"Lists\";\n}\n";
    Files.writeString(tmp.resolve("lists.sieve"), script);

    Run up = sieveConnect("--upload", "--localsieve", "lists.sieve", "--remotesieve", "lists");
    assertThat(up.status()).as(up.output()).isZero();
    assertThat(scripts.get("alice@example.test", "lists").orElseThrow().text()).isEqualTo(script);

    Run act = sieveConnect("--activate", "--remotesieve", "lists");
    assertThat(act.status()).as(act.output()).isZero();
    assertThat(scripts.active("alice@example.test").orElseThrow().name()).isEqualTo("lists");

    Run list = sieveConnect("--list");
    assertThat(list.status()).as(list.output()).isZero();
    assertThat(list.output()).contains("lists");

    Run down = sieveConnect("--download", "--remotesieve", "lists", "--localsieve", "copy.sieve");
    assertThat(down.status()).as(down.output()).isZero();
    assertThat(Files.readString(tmp.resolve("copy.sieve"))).isEqualTo(script);

    Files.writeString(tmp.resolve("broken.sieve"), "fileinto \"x\";\n");
    Run broken = sieveConnect("--upload", "--localsieve", "broken.sieve", "--remotesieve", "broken");
    assertThat(broken.status()).as(broken.output()).isNotZero();
    assertThat(broken.output()).contains("1:1: unknown command 'fileinto'");
    assertThat(scripts.get("alice@example.test", "broken")).isEmpty();

    Run deactivate = sieveConnect("--deactivate");
    assertThat(deactivate.status()).as(deactivate.output()).isZero();
    Run delete = sieveConnect("--delete", "--remotesieve", "lists");
    assertThat(delete.status()).as(delete.output()).isZero();
    assertThat(scripts.list("alice@example.test")).isEmpty();
  }
}
