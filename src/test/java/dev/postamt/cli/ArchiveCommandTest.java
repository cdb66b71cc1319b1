package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.archive.JournalWriter;
import dev.postamt.config.Config;
import dev.postamt.queue.Envelope;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postamt archive …} on a journal written beforehand: verify (intact, and exit 1 naming the
 * segment and record after a byte changed), legal holds, a manual sweep, the audit log and its chain,
 * and one-line errors for bad input.
 */
class ArchiveCommandTest {
  @TempDir Path tmp;
  CliFixture cli;
  Path archive;

  @BeforeEach
  void journalTwoMessages() throws Exception {
    cli = new CliFixture(tmp);
    Files.writeString(cli.config, "[archive]\njournal = true\n", java.nio.file.StandardOpenOption.APPEND);
    var config = Config.load(cli.config, true).archive();
    archive = config.dir();
    try (JournalWriter w = JournalWriter.open(config, Clock.systemUTC())) {
      for (String subject : List.of("one", "two")) {
        byte[] m = ("Subject: " + subject + "\r\n\r\nbody " + subject + "\r\n").getBytes(StandardCharsets.US_ASCII);
        w.record(new Envelope("ID" + subject.toUpperCase(), java.time.Instant.now(), "a@example.org",
                List.of(Envelope.Recipient.of("b@example.net")), "7BIT", false, Optional.empty(), Optional.empty(),
                "h.example", "192.0.2.1", Optional.empty(), "ESMTP"),
            "", () -> new ByteArrayInputStream(m), m.length);
      }
    }
  }

  @Test
  void verifyPassesThenNamesTheSegmentAndRecordOfAChangedByte() throws Exception {
    assertThat(cli.ok("archive", "verify").out()).startsWith("Journal intact: 2 record(s) in 1 segment(s); last seq 2 sha256 ");
    Path segment;
    try (var files = Files.list(archive.resolve("segments"))) {
      segment = files.findFirst().orElseThrow();
    }
    byte[] b = Files.readAllBytes(segment);
    int at = new String(b, StandardCharsets.ISO_8859_1).indexOf("body two");
    b[at] = 'B';
    Files.write(segment, b);
    CliFixture.Result r = cli.run("archive", "verify");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).startsWith("postamt: archive verify: 1 problem(s); first: segment " + segment.getFileName()
        + ", record at byte ").contains("seq 2").contains("modified").doesNotContain("Exception");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void legalHoldsAreAddedListedRemovedAndAudited() {
    assertThat(cli.ok("archive", "hold", "add", "Example.ORG", "--reason", "case 17").out()).contains("Legal hold on example.org");
    assertThat(cli.ok("archive", "hold", "add", "b@example.net").out()).contains("Legal hold on b@example.net");
    assertThat(cli.ok("archive", "hold", "list").lines()).hasSize(2)
        .anySatisfy(l -> assertThat(l).startsWith("b@example.net"))
        .anySatisfy(l -> assertThat(l).startsWith("example.org").endsWith("case 17"));
    CliFixture.Result twice = cli.run("archive", "hold", "add", "example.org");
    assertThat(twice.status()).isEqualTo(1);
    assertThat(twice.err()).isEqualTo("postamt: a legal hold on example.org stands already" + System.lineSeparator());
    CliFixture.Result bad = cli.run("archive", "hold", "add", "not an address");
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.err()).contains("is neither an address").doesNotContain("Exception");
    cli.ok("archive", "hold", "remove", "example.org");
    assertThat(cli.run("archive", "hold", "remove", "example.org").err()).contains("no legal hold on example.org");
    assertThat(cli.ok("archive", "hold", "list").lines()).singleElement().asString().startsWith("b@example.net");
    assertThat(cli.ok("archive", "audit").out()).contains(" hold add example.org reason=\"case 17\"")
        .contains(" hold add b@example.net").contains(" hold remove example.org");
  }

  @Test
  void aSweepKeepsWhatIsWithinItsRetention() {
    assertThat(cli.ok("archive", "sweep").out()).contains("Swept: 0 message(s) deleted in 0 segment(s)");
    assertThat(cli.ok("archive", "search", "").lines()).hasSize(3).last().isEqualTo("-- 2 messages");
  }

  @Test
  void anEditedAuditLogIsReportedWithItsLine() throws Exception {
    cli.ok("archive", "search", "one");
    cli.ok("archive", "search", "two");
    cli.ok("archive", "search", "three");
    Path log = archive.resolve("audit.log");
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).hasSize(3);
    Files.write(log, List.of(lines.get(0), lines.get(1).replace("\"two\"", "\"TWO\""), lines.get(2)));
    CliFixture.Result r = cli.run("archive", "audit");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("breaks at line 2");
  }

  @Test
  void badOptionsAndAMissingJournalAreOneLineErrors() throws Exception {
    CliFixture.Result r = cli.run("archive", "search", "x", "--until", "soon");
    assertThat(r.status()).isNotZero();
    assertThat(r.err()).startsWith("postamt: --until \"soon\"");
    Files.writeString(cli.config, Files.readString(cli.config).replace("journal = true", "dir = \"" + tmp.resolve("elsewhere") + "\""));
    CliFixture.Result none = cli.run("archive", "search", "");
    assertThat(none.status()).isEqualTo(1);
    assertThat(none.err()).contains("no compliance journal in").doesNotContain("Exception");
    assertThat(cli.run("archive", "export", "", "--mbox", tmp.resolve("x.mbox").toString()).err()).contains("no compliance journal");
    assertThat(Files.exists(tmp.resolve("x.mbox"))).isFalse();
  }
}
