package dev.postamt.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Config;
import dev.postamt.filter.Check;
import dev.postamt.filter.SpamScanner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spam part of {@code postamt check message}: every symbol with its score and reason, the action, the X-Spam-Status field. */
class SpamQueryTest {
  @TempDir Path dir;

  /** Tells what the scan was given: our SPF result and the client, as symbols. */
  static final Check ECHO = (in, out) -> {
    out.add("SEEN_SPF", 3.0, "spf=" + in.auth().spf() + " for " + in.auth().spfDomain());
    out.add("SEEN_CLIENT", 2.5, "client " + in.clientIp() + " helo " + in.helo() + " from " + in.mailFrom());
    out.add("LOW", -0.5, "a little ham");
  };

  Config config(String spam) throws Exception {
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(cfg, "hostname = \"mx.receiver.test\"\ndata_dir = \"data\"\n[spam]\n" + spam);
    return ConfigCheck.load(cfg);
  }

  @Test
  void everySymbolTheActionAndTheStatusField() throws Exception {
    Config c = config("add_header = 4.5\nreject = 5.2\n");
    Path file = Files.writeString(dir.resolve("m.eml"), "From: a@example.org\r\nSubject: x\r\n\r\nhi\r\n");
    String ar = "Authentication-Results: mx.receiver.test;\r\n\tspf=pass smtp.mailfrom=a@example.org;\r\n\tdkim=none\r\n";
    List<String> lines;
    try (SpamScanner s = new SpamScanner(c.spam(), List.of(ECHO), Map.of("LOW", -0.25))) {
      lines = SpamQuery.lines(c, s, "192.0.2.1", "a@example.org", "x.example.org", file, ar);
    }
    assertThat(lines.getFirst()).matches("spam: score=5\\.3 required=4\\.5 action=reject \\(3 symbol\\(s\\), scanned in \\d+\\.\\d\\d ms\\)");
    assertThat(lines.subList(1, 4)).containsExactly(
        "  SEEN_SPF        3.0  spf=pass for example.org",
        "  SEEN_CLIENT     2.5  client 192.0.2.1 helo x.example.org from a@example.org",
        "  LOW           -0.25  a little ham");
    assertThat(lines.get(4)).isEqualTo("spam action: reject (550 5.7.1 at the end of DATA); authenticated submissions: reject from 10.0");
    assertThat(String.join("\n", lines.subList(5, lines.size())).replace(",\n\t", ",").replace("\n\t", " "))
        .isEqualTo("X-Spam-Status: Yes, score=5.3 required=4.5 tests=LOW=-0.25,SEEN_CLIENT=2.5,SEEN_SPF=3.0 autolearn=disabled"
            + " version=Postamt");
    // an Authentication-Results field of someone else's says nothing
    try (SpamScanner s = new SpamScanner(c.spam(), List.of(ECHO), Map.of())) {
      assertThat(SpamQuery.lines(c, s, "192.0.2.1", "", "", file, ar.replace("mx.receiver.test", "mx.other.test")))
          .contains("  SEEN_SPF        3.0  spf=none for");
    }
  }

  @Test
  void withScanningOffItSaysSo() throws Exception {
    Config c = config("enabled = false\n");
    Path file = Files.writeString(dir.resolve("m.eml"), "Subject: x\r\n\r\nhi\r\n");
    assertThat(SpamQuery.lines(c, (dev.postamt.dns.Resolver) null, "192.0.2.1", "", "", file, null))
        .containsExactly("spam: not scanned (spam.enabled = false)");
  }
}
