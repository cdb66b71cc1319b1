package dev.postamt.console;

import static dev.postamt.reports.ReportSamples.dmarcXml;
import static dev.postamt.reports.ReportSamples.tlsJson;
import static dev.postamt.reports.ReportSamples.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.admin.Admin;
import dev.postamt.reports.DmarcReportParser;
import dev.postamt.reports.SqliteReportStore;
import dev.postamt.reports.TlsReportParser;
import dev.postamt.testing.TestServer;
import dev.postamt.web.WebSessionClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /admin/reports}: the received reports' summary, each administrator seeing only their domains. */
class ConsoleReportsTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("http").user("carol");

  @BeforeAll
  static void reports() throws Exception {
    Admin admin = new Admin(t.config);
    admin.addDomain("other.test");
    admin.setAdmin("alice@example.test", null, true);
    admin.setAdmin("carol@example.test", "example.test", true);
    try (SqliteReportStore store = SqliteReportStore.open(t.config.dataDir())) {
      store.addDmarc(DmarcReportParser.parse(utf8(dmarcXml("google.example", "g-1", "example.test"))));
      store.addDmarc(DmarcReportParser.parse(utf8(dmarcXml("google.example", "g-2", "other.test"))));
      store.addTls(TlsReportParser.parse(utf8(tlsJson("microsoft.example", "t-1", "other.test"))));
    }
  }

  static WebSessionClient login(String user) throws Exception {
    WebSessionClient c = new WebSessionClient(t);
    assertThat(c.login(user, TestServer.PASSWORD, null).statusCode()).isEqualTo(303);
    return c;
  }

  @Test
  void aGlobalAdministratorSeesEveryDomain() throws Exception {
    HttpResponse<String> r = login("alice@example.test").get("/admin/reports");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("id=\"dmarc-summary\">2 reports, 18 messages: 14 pass, 4 fail.", "id=\"dmarc-sources\"",
        "<code>192.0.2.10</code>", "id=\"dmarc-days\"", "<meter", "id=\"tls-summary\">1 reports.", "other.test",
        "certificate-expired 2, starttls-not-supported 1", "href=\"/admin/reports\"");
    assertThat(r.body()).doesNotContain("style=\"", "<script");
    assertThat(login("alice@example.test").get("/admin/reports?domain=other.test").body())
        .contains("id=\"dmarc-summary\">1 reports, 9 messages");
  }

  @Test
  void aDomainAdministratorSeesOnlyTheirDomain() throws Exception {
    WebSessionClient carol = login("carol@example.test");
    HttpResponse<String> r = carol.get("/admin/reports");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("id=\"dmarc-summary\">1 reports, 9 messages", "id=\"tls-summary\">0 reports.")
        .doesNotContain("certificate-expired");
    assertThat(carol.get("/admin/reports?domain=other.test").statusCode()).isEqualTo(404);
    assertThat(carol.get("/admin/reports?since=soon").statusCode()).isEqualTo(400);
  }

  @Test
  void aPlainUserGets403() throws Exception {
    assertThat(login("bob@example.test").get("/admin/reports").statusCode()).isEqualTo(403);
  }
}
