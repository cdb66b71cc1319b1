package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postamt check message FILE} also prints the spam verdict (issue 17 item 10); the exit status stays 0. */
class CheckMessageSpamTest {
  @TempDir Path dir;

  private List<String> check(String spam) throws Exception {
    Files.writeString(dir.resolve("zone.txt"), "");
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(cfg, "hostname = \"mx.receiver.test\"\ndata_dir = \"data\"\n[dns]\nzone_file = \"zone.txt\"\n[spam]\n" + spam);
    Path file = Files.writeString(dir.resolve("m.eml"), "From: a@example.org\r\nSubject: x\r\n\r\nhello\r\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true),
        "check", "message", file.toString(), "--ip", "192.0.2.1", "--mail-from", "a@example.org", "--helo", "x.example.org",
        "--config", cfg.toString());
    assertThat(status).as(err.toString()).isZero();
    return out.toString().lines().toList();
  }

  @Test
  void theVerdictFollowsTheAuthenticationResults() throws Exception {
    List<String> lines = check("add_header = 4.0\n");
    int ar = lines.indexOf(lines.stream().filter(l -> l.startsWith("Authentication-Results: ")).findFirst().orElseThrow());
    int spam = lines.indexOf(lines.stream().filter(l -> l.startsWith("spam: ")).findFirst().orElseThrow());
    assertThat(spam).isGreaterThan(ar);
    assertThat(lines.get(spam)).matches("spam: score=-?\\d+\\.\\d required=4\\.0 action=\\w+ \\(\\d+ symbol\\(s\\), scanned in \\d+\\.\\d\\d ms\\)");
    assertThat(lines).anyMatch(l -> l.matches("spam action: (no_action|add_header|quarantine|reject) \\(.*\\); authenticated submissions: reject from 10\\.0"));
    assertThat(lines).anyMatch(l -> l.matches("X-Spam-Status: (Yes|No), score=-?\\d+\\.\\d required=4\\.0 tests=.*"));
  }

  @Test
  void withScanningOffItSaysSo() throws Exception {
    assertThat(check("enabled = false\n")).contains("spam: not scanned (spam.enabled = false)").noneMatch(l -> l.startsWith("X-Spam-Status"));
  }
}
