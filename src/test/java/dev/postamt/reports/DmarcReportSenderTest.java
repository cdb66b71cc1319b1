package dev.postamt.reports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Config;
import dev.postamt.dns.ZoneFileResolver;
import dev.postamt.mime.MimePart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our DMARC aggregate reports: one per sender domain and day to its {@code rua}, in the RFC 7489 XML
 * (read back with our own parser), with external destinations verified (§7.1), size limits honoured,
 * and each report sent once.
 */
class DmarcReportSenderTest {
  private static final String ZONE = """
      _dmarc.example.org.                           TXT "v=DMARC1; p=reject; adkim=s; rua=mailto:dmarc@example.org"
      _dmarc.other.example.                         TXT "v=DMARC1; p=none; rua=mailto:reports@thirdparty.test,mailto:small@other.example!1"
      other.example._report._dmarc.thirdparty.test. TXT "v=DMARC1"
      _dmarc.unauth.example.                        TXT "v=DMARC1; p=quarantine; rua=mailto:reports@thirdparty.test"
      _dmarc.norua.example.                         TXT "v=DMARC1; p=none"
      """;
  private static final LocalDate DAY = LocalDate.of(2026, 12, 4);

  @TempDir Path tmp;
  SqliteReportStore store;
  DmarcReportSender sender;

  private record Sent(String sender, List<String> to, byte[] message) {}

  private final List<Sent> outbox = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    Path cfg = tmp.resolve("postamt.toml");
    Files.writeString(cfg, """
        hostname = "mx.example.test"
        data_dir = "data"
        [reports]
        organization = "Example Mail"
        email = "dmarc-reports@example.test"
        send_dmarc = true
        """);
    Config config = Config.load(cfg, true);
    store = SqliteReportStore.open(config.dataDir());
    Clock clock = Clock.fixed(Instant.parse("2026-12-05T00:30:00Z"), ZoneOffset.UTC);
    sender = new DmarcReportSender(config, store, ZoneFileResolver.parse(ZONE), clock);
    for (int i = 0; i < 3; i++) {
      store.observe(DAY, obs("example.org", "192.0.2.1", true, true, "none"));
    }
    store.observe(DAY, obs("example.org", "203.0.113.9", false, false, "reject"));
    store.observe(DAY, obs("other.example", "192.0.2.2", true, false, "none"));
    store.observe(DAY, obs("unauth.example", "192.0.2.3", true, false, "none"));
    store.observe(DAY, obs("norua.example", "192.0.2.4", true, false, "none"));
    store.observe(DAY.minusDays(1), obs("example.org", "192.0.2.1", true, true, "none")); // another day
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private static DmarcObservation obs(String domain, String ip, boolean spf, boolean dkim, String disposition) {
    return new DmarcObservation(domain, domain, ip, domain, domain, spf ? "pass" : "fail",
        dkim ? domain + ":s1:pass" : "", spf, dkim, disposition);
  }

  private String queue(String from, List<String> to, byte[] message) {
    outbox.add(new Sent(from, to, message));
    return "Q" + outbox.size();
  }

  @Test
  void aDryRunSaysWhatWouldGoAndSendsNothing() throws Exception {
    assertThat(sender.yesterday()).isEqualTo(DAY);
    List<String> lines = sender.send(DAY, null).stream().map(DmarcReportSender.Outcome::line).toList();
    assertThat(lines).containsExactly(
        "example.org: would send report 20261204.example.org.mx.example.test (4 messages, 2 rows) to dmarc@example.org",
        "norua.example: the DMARC record asks for no aggregate reports (no rua=mailto:)",
        "other.example: would send report 20261204.other.example.mx.example.test (1 messages, 1 rows) to"
            + " reports@thirdparty.test; skipped small@other.example (the report is larger than its limit of 1 bytes)",
        "unauth.example: no rua address may receive the report; skipped reports@thirdparty.test (thirdparty.test does"
            + " not accept reports for unauth.example: no v=DMARC1 at unauth.example._report._dmarc.thirdparty.test)");
    assertThat(outbox).isEmpty();
    assertThat(store.sent(DAY, "example.org")).isFalse();
  }

  @Test
  void eachReportIsRfc7489XmlGzippedAndSentOnce() throws Exception {
    dev.postamt.mailauth.dkim.DkimKeys.generate(tmp.resolve("data"), "example.test", "rep", "ed25519");
    List<DmarcReportSender.Outcome> first = sender.send(DAY, this::queue);
    assertThat(first).filteredOn(DmarcReportSender.Outcome::sent).extracting(DmarcReportSender.Outcome::domain)
        .containsExactly("example.org", "other.example");
    assertThat(outbox).hasSize(2);
    Sent s = outbox.getFirst();
    assertThat(s.sender()).isEqualTo("dmarc-reports@example.test");
    assertThat(s.to()).containsExactly("dmarc@example.org");
    MimePart m = MimePart.parse(s.message());
    assertThat(m.header("DKIM-Signature")).as("signed with the sender domain's key").contains("d=example.test", "s=rep");
    assertThat(m.header("Subject"))
        .isEqualTo("Report Domain: example.org Submitter: mx.example.test Report-ID: <20261204.example.org.mx.example.test>");
    assertThat(m.header("From")).isEqualTo("dmarc-reports@example.test");
    assertThat(m.header("Date")).as("RFC 5322 §3.3, a numeric zone: GMT is obsolete syntax (§4.3)")
        .matches("\\w{3}, \\d{1,2} \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d \\+0000");
    List<ReportFiles.Payload> files = ReportFiles.fromMessage(s.message(), 1 << 20);
    assertThat(files).singleElement().satisfies(f -> {
      assertThat(f.name()).isEqualTo("mx.example.test!example.org!" + Instant.parse("2026-12-04T00:00:00Z").getEpochSecond()
          + "!" + Instant.parse("2026-12-04T23:59:59Z").getEpochSecond() + ".xml.gz"); // RFC 7489 §7.2.1.1
      assertThat(new String(f.data(), StandardCharsets.UTF_8)).contains("<adkim>s</adkim>", "<p>reject</p>");
    });
    DmarcReport r = DmarcReportParser.parse(files.getFirst().data());
    assertThat(r.org()).isEqualTo("Example Mail");
    assertThat(r.email()).isEqualTo("dmarc-reports@example.test");
    assertThat(r.domain()).isEqualTo("example.org");
    assertThat(r.begin()).isEqualTo(Instant.parse("2026-12-04T00:00:00Z"));
    assertThat(r.end()).isEqualTo(Instant.parse("2026-12-04T23:59:59Z"));
    assertThat(r.rows()).containsExactly(
        new DmarcReport.Row("192.0.2.1", 3, "none", "pass", "pass", "example.org", "example.org=pass", "example.org=pass"),
        new DmarcReport.Row("203.0.113.9", 1, "reject", "fail", "fail", "example.org", "", "example.org=fail"));

    // the next run (a restart, the CLI) does not send them again
    assertThat(sender.send(DAY, this::queue)).extracting(DmarcReportSender.Outcome::line)
        .contains("example.org: already sent for 2026-12-04", "other.example: already sent for 2026-12-04");
    assertThat(outbox).hasSize(2);
  }

  @Test
  void ruaListsAreReadAsRfc7489Writes() {
    assertThat(DmarcReportSender.rua("v=DMARC1; p=none; rua=mailto:a@example.org!10m, mailto:b@x.test, https://x.test/r"))
        .containsExactly(new DmarcReportSender.Rua("a@example.org", 10L << 20), new DmarcReportSender.Rua("b@x.test", 0));
    assertThat(DmarcReportSender.rua("v=DMARC1; p=none; ruf=mailto:f@example.org")).isEmpty();
  }
}
