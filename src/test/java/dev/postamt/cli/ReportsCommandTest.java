package dev.postamt.cli;

import static dev.postamt.reports.ReportSamples.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postamt reports import|dmarc|tls}: reports read from files, messages and an mbox, then summarised. */
class ReportsCommandTest {
  @TempDir Path tmp;
  CliFixture cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliFixture(tmp);
  }

  @Test
  void importedReportsAreSummarisedPerSourceDayAndPolicyDomain() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    Files.write(in.resolve("google.xml.gz"), gzip(utf8(dmarcXml("google.example", "g-1", "example.test"))));
    Files.write(in.resolve("yahoo.zip"), zip("yahoo.xml", utf8(dmarcXml("yahoo.example", "y-1", "example.test"))));
    Files.write(in.resolve("other.xml"), utf8(dmarcXml("yahoo.example", "y-2", "other.test")));
    Files.write(in.resolve("broken.xml"), utf8("<feedback><oops"));
    // an mbox: a TLS report, and the Google report once more (already known)
    byte[] tls = message("tls@example.test", "application/tlsrpt+gzip", "t.json.gz",
        gzip(utf8(tlsJson("microsoft.example", "t-1", "example.test"))));
    byte[] again = message("dmarc@example.test", "application/gzip", "g.xml.gz",
        gzip(utf8(dmarcXml("google.example", "g-1", "example.test"))));
    Path mbox = tmp.resolve("reports.mbox");
    Files.write(mbox, concat(utf8("From a@b Sat Dec  5 00:00:00 2026\n"), tls, utf8("\nFrom a@b Sat Dec  5 00:00:00 2026\n"), again));

    CliFixture.Result r = cli.run("reports", "import", in.toString(), mbox.toString());
    assertThat(r.status()).isZero();
    assertThat(r.out()).isEqualTo("imported 3 DMARC and 1 TLS reports, 1 already known, 1 not readable\n");
    assertThat(r.err()).contains("broken.xml: not a DMARC report: bad XML").doesNotContain("\tat ");
    // importing again adds nothing
    assertThat(cli.ok("reports", "import", in.resolve("google.xml.gz").toString()).out())
        .isEqualTo("imported 0 DMARC and 0 TLS reports, 1 already known\n");

    CliFixture.Result dmarc = cli.ok("reports", "dmarc", "--domain", "example.test");
    assertThat(dmarc.lines().getFirst()).startsWith("2 DMARC reports since ").endsWith(" for example.test: 18 messages, 14 pass, 4 fail");
    assertThat(dmarc.lines()).anyMatch(l -> l.matches("192\\.0\\.2\\.10 +14 +14 +0 +14 +14"))
        .anyMatch(l -> l.matches("203\\.0\\.113\\.5 +4 +0 +4 +0 +0"))
        .anyMatch(l -> l.matches(YESTERDAY.toString().substring(0, 10) + " +18 +14 +4"));
    assertThat(cli.ok("reports", "dmarc").lines().getFirst()).contains("3 DMARC reports", "27 messages");
    assertThat(cli.ok("reports", "dmarc", "--domain", "nowhere.test").lines()).singleElement().asString()
        .contains("0 DMARC reports").contains("0 messages");

    CliFixture.Result tlsOut = cli.ok("reports", "tls");
    assertThat(tlsOut.lines().getFirst()).startsWith("1 TLS reports since ");
    assertThat(tlsOut.lines()).anyMatch(l -> l.matches("example\\.test +120 +3 +certificate-expired=2, starttls-not-supported=1"));
  }

  @Test
  void badArgumentsAreOneLineErrors() {
    CliFixture.Result since = cli.run("reports", "dmarc", "--since", "soon");
    assertThat(since.status()).isEqualTo(2);
    assertThat(since.err()).isEqualTo("postamt: --since must be a duration like 30d or 12h, got \"soon\"\n");
    CliFixture.Result missing = cli.run("reports", "import", tmp.resolve("nope").toString());
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.err()).startsWith("postamt: cannot read ").doesNotContain("\tat ");
    CliFixture.Result date = cli.run("reports", "send-dmarc", "--date", "yesterday", "--dry-run");
    assertThat(date.status()).isEqualTo(2);
    assertThat(date.err()).contains("--date must be a day like 2026-05-01");
    assertThat(cli.ok("reports", "send-dmarc", "--dry-run").out()).startsWith("no DMARC evaluations recorded for ");
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }
}
