package dev.postamt.reports;

import static dev.postamt.reports.ReportSamples.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading received reports: the RFC 7489 XML and RFC 8460 JSON, in every wrapping reporters use, and
 * the hostile ones — an external entity (XXE), entity expansion, a zip bomb — refused without harm.
 */
class ReportParsingTest {
  @TempDir Path tmp;

  private static final long LIMIT = 1 << 20;

  @Test
  void aDmarcReportIsReadRecordByRecord() throws Exception {
    DmarcReport r = DmarcReportParser.parse(utf8(dmarcXml("google.example", "r-1", "Example.TEST")));
    assertThat(r.org()).isEqualTo("google.example");
    assertThat(r.reportId()).isEqualTo("r-1");
    assertThat(r.domain()).isEqualTo("example.test");
    assertThat(r.policy()).isEqualTo("quarantine");
    assertThat(r.begin()).isEqualTo(YESTERDAY);
    assertThat(r.rows()).hasSize(2);
    DmarcReport.Row bad = r.rows().get(1);
    assertThat(bad.sourceIp()).isEqualTo("203.0.113.5");
    assertThat(bad.count()).isEqualTo(2);
    assertThat(bad.disposition()).isEqualTo("quarantine");
    assertThat(bad.passed()).isFalse();
    assertThat(bad.spfAuth()).isEqualTo("spammer.example=softfail");
    assertThat(r.rows().getFirst().dkimAuth()).isEqualTo("example.test=pass");
    assertThat(r.messages()).isEqualTo(9);
  }

  @Test
  void aNamespacedReportReadsTheSame() throws Exception {
    String xml = dmarcXml("o", "ns-1", "example.test").replace("<feedback>",
        "<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">");
    assertThat(DmarcReportParser.parse(utf8(xml)).rows()).hasSize(2);
  }

  @Test
  void anExternalEntityIsNeverRead() throws Exception {
    Path secret = tmp.resolve("secret.txt");
    Files.writeString(secret, "TOP-SECRET");
    String xxe = """
        <?xml version="1.0"?>
        <!DOCTYPE feedback [ <!ENTITY xxe SYSTEM "%s"> ]>
        <feedback><report_metadata><org_name>&xxe;</org_name><report_id>x</report_id>
        <date_range><begin>1</begin><end>2</end></date_range></report_metadata>
        <policy_published><domain>example.test</domain></policy_published></feedback>
        """.formatted(secret.toUri());
    assertThatThrownBy(() -> DmarcReportParser.parse(utf8(xxe)))
        .isInstanceOf(ReportException.class).hasMessageContaining("DOCTYPE").hasMessageNotContaining("TOP-SECRET");
  }

  @Test
  void entityExpansionIsRefused() {
    String laughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
        <feedback>&lol2;</feedback>
        """;
    assertThatThrownBy(() -> DmarcReportParser.parse(utf8(laughs))).isInstanceOf(ReportException.class);
  }

  @Test
  void brokenReportsSayWhatIsWrong() {
    assertThatThrownBy(() -> DmarcReportParser.parse(utf8("<html/>"))).hasMessageContaining("<html>");
    assertThatThrownBy(() -> DmarcReportParser.parse(utf8("<feedback><report_metadata/><policy_published/></feedback>")))
        .hasMessageContaining("org_name");
    assertThatThrownBy(() -> DmarcReportParser.parse(utf8(dmarcXml("o", "1", "e.test").replace("<count>7", "<count>x"))))
        .hasMessageContaining("<count> is not a number");
    assertThatThrownBy(() -> TlsReportParser.parse(utf8("{\"organization-name\": \"o\"}"))).hasMessageContaining("report-id");
    assertThatThrownBy(() -> TlsReportParser.parse(utf8("{nope"))).hasMessageContaining("bad JSON");
  }

  @Test
  void aTlsReportIsReadPolicyByPolicy() throws Exception {
    TlsReport r = TlsReportParser.parse(utf8(tlsJson("microsoft.example", "t-1", "example.test")));
    assertThat(r.org()).isEqualTo("microsoft.example");
    assertThat(r.policies()).singleElement().satisfies(p -> {
      assertThat(p.type()).isEqualTo("sts");
      assertThat(p.domain()).isEqualTo("example.test");
      assertThat(p.successes()).isEqualTo(120);
      assertThat(p.failures()).isEqualTo(3);
      assertThat(p.failuresByType()).isEqualTo(Map.of("certificate-expired", 2L, "starttls-not-supported", 1L));
    });
  }

  @Test
  void everyWrappingIsUnpacked() throws Exception {
    byte[] xml = utf8(dmarcXml("o", "1", "example.test"));
    byte[] json = utf8(tlsJson("o", "1", "example.test"));
    assertThat(kinds(ReportFiles.fromFile("r.xml", xml, LIMIT))).containsExactly(ReportFiles.Kind.DMARC);
    assertThat(kinds(ReportFiles.fromFile("r.xml.gz", gzip(xml), LIMIT))).containsExactly(ReportFiles.Kind.DMARC);
    assertThat(kinds(ReportFiles.fromFile("r.zip", zip("r.xml", xml), LIMIT))).containsExactly(ReportFiles.Kind.DMARC);
    assertThat(kinds(ReportFiles.fromFile("r.json.gz", gzip(json), LIMIT))).containsExactly(ReportFiles.Kind.TLS);
    // a misnamed file is judged by its bytes
    assertThat(kinds(ReportFiles.fromFile("report.zip", gzip(xml), LIMIT))).containsExactly(ReportFiles.Kind.DMARC);
    for (String type : List.of("application/zip", "application/gzip", "application/x-gzip", "text/xml")) {
      byte[] body = type.endsWith("zip") && !type.contains("gzip") ? zip("r.xml", xml) : type.contains("gzip") ? gzip(xml) : xml;
      assertThat(kinds(ReportFiles.fromMessage(message("dmarc@example.test", type, "r", body), LIMIT)))
          .as(type).containsExactly(ReportFiles.Kind.DMARC);
    }
    assertThat(kinds(ReportFiles.fromMessage(message("tls@example.test", "application/tlsrpt+gzip", "r.json.gz",
        gzip(json)), LIMIT))).containsExactly(ReportFiles.Kind.TLS);
    assertThat(kinds(ReportFiles.fromMessage(message("tls@example.test", "application/tlsrpt+json", "r.json", json),
        LIMIT))).containsExactly(ReportFiles.Kind.TLS);
    // a message without a report holds none, and that is no error
    assertThat(ReportFiles.fromMessage(utf8("Subject: hi\r\n\r\nhello\r\n"), LIMIT)).isEmpty();
  }

  @Test
  void aZipBombStopsAtTheLimit() throws Exception {
    byte[] zeros = new byte[16 << 20]; // 16 MiB of zeros: a few KiB compressed
    byte[] gz = gzip(zeros);
    assertThat(gz.length).isLessThan(100_000);
    assertThatThrownBy(() -> ReportFiles.fromFile("bomb.xml.gz", gz, LIMIT))
        .isInstanceOf(ReportException.class).hasMessageContaining("decompresses to more than " + LIMIT);
    assertThatThrownBy(() -> ReportFiles.fromFile("bomb.zip", zip("bomb.xml", zeros), LIMIT))
        .hasMessageContaining("decompresses to more than");
    // many small files count together
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(b)) {
      for (int i = 0; i < 30; i++) {
        z.putNextEntry(new ZipEntry(i + ".xml"));
        z.write(utf8("<feedback/>"));
      }
    }
    assertThatThrownBy(() -> ReportFiles.fromFile("many.zip", b.toByteArray(), LIMIT))
        .hasMessageContaining("more than " + ReportFiles.MAX_ZIP_ENTRIES + " files");
    // nesting: a gzip in a gzip in a gzip
    assertThatThrownBy(() -> ReportFiles.fromFile("deep.gz", gzip(gzip(gzip(utf8("<feedback/>")))), LIMIT))
        .hasMessageContaining("nested");
  }

  private static List<ReportFiles.Kind> kinds(List<ReportFiles.Payload> p) {
    return p.stream().map(ReportFiles.Payload::kind).toList();
  }
}
