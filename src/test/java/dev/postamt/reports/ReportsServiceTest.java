package dev.postamt.reports;

import static dev.postamt.reports.ReportSamples.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reports work inside a running server: reports mailed to {@code [reports] mailbox} are delivered
 * and then read (a broken one stays in the mailbox), and the DMARC evaluation of inbound mail is
 * counted for our own aggregate reports.
 */
class ReportsServiceTest {
  @RegisterExtension static final TestServer t = TestServer.create()
      .toml("[reports]\nmailbox = \"alice@example.test\"\n")
      .zone("_dmarc.sender.example. TXT \"v=DMARC1; p=quarantine; rua=mailto:dmarc@sender.example\"\n");

  static ReportsService reports;

  @BeforeAll
  static void start() throws Exception {
    reports = ReportsService.start(t.config, t.server.store(), t.server.resolver(),
        new SpoolOutbox(t.server.spool(), t.config.hostname(), t.server.queue()::submit), Clock.systemUTC());
    t.server.onDelivery(reports::delivered);
    t.server.onDmarcEvaluation(reports.recorder());
  }

  @AfterAll
  static void stop() {
    reports.close();
  }

  private static void send(String from, String rcpt, byte[] message) throws Exception {
    SmtpScript s = t.smtp("smtp");
    s.send("EHLO client.example").read();
    s.send("MAIL FROM:<" + from + ">").expect("250 *");
    s.send("RCPT TO:<" + rcpt + ">").expect("250 *");
    s.send("DATA").expect("354 *");
    s.raw(new String(message, StandardCharsets.ISO_8859_1).replace("\r\n.", "\r\n..") + "\r\n.\r\n").expect("250 2.0.0 *");
    s.send("QUIT").expect("221 *");
  }

  /**
   * {@code value} once {@code done}, else as it is after 60 s. A scan follows each delivery; within 20 s
   * the TLS report was once not read in a full {@code .ci/run} (session 30), and not again in 12 runs of
   * this class with both CPUs kept busy: a slow machine, not a lost scan, as far as is known.
   */
  private static <T> T await(Callable<T> value, java.util.function.Predicate<T> done) throws Exception {
    Instant end = Instant.now().plus(Duration.ofSeconds(60));
    while (true) {
      T v = value.call();
      if (done.test(v) || Instant.now().isAfter(end)) {
        return v;
      }
      Thread.sleep(20);
    }
  }

  @Test
  void reportsMailedToTheMailboxAreReadAndABrokenOneIsKept() throws Exception {
    send("noreply@google.example", "alice@example.test", message("alice@example.test", "application/gzip",
        "google.example!example.test!1!2.xml.gz", gzip(utf8(dmarcXml("google.example", "mail-1", "example.test")))));
    send("tls@microsoft.example", "alice@example.test", message("alice@example.test", "application/tlsrpt+gzip",
        "report.json.gz", gzip(utf8(tlsJson("microsoft.example", "mail-t1", "example.test")))));
    send("noreply@broken.example", "alice@example.test", message("alice@example.test", "application/zip",
        "broken.zip", utf8("PK\u0003\u0004 not really a zip")));

    List<ReportStore.DmarcSource> sources = await(
        () -> reports.store().dmarcBySource(Optional.empty(), Instant.EPOCH), l -> !l.isEmpty());
    assertThat(sources).extracting(ReportStore.DmarcSource::ip).containsExactly("192.0.2.10", "203.0.113.5");
    assertThat(await(() -> reports.store().tlsByDomain(Optional.empty(), Instant.EPOCH), l -> !l.isEmpty()))
        .singleElement().satisfies(s -> assertThat(s.failures()).isEqualTo(3));
    // the broken report was delivered like any mail: nothing is lost
    assertThat(t.awaitMessageContaining("alice@example.test", "broken.zip")).contains("Subject: Report domain");
    assertThat(t.awaitMessages("alice@example.test", 3)).hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void theDmarcEvaluationOfInboundMailIsCounted() throws Exception {
    send("someone@sender.example", "bob@example.test",
        utf8("From: someone@sender.example\r\nTo: bob@example.test\r\nSubject: counted\r\n\r\nhello\r\n"));
    t.awaitMessageContaining("bob@example.test", "Subject: counted");
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    List<ReportStore.Observed> seen = await(() -> reports.store().observed(today, "sender.example"), l -> !l.isEmpty());
    assertThat(seen).singleElement().satisfies(o -> {
      assertThat(o.count()).isEqualTo(1);
      assertThat(o.observation().sourceIp()).isEqualTo("127.0.0.1");
      assertThat(o.observation().headerFrom()).isEqualTo("sender.example");
      assertThat(o.observation().spfAligned()).isFalse();
      assertThat(o.observation().disposition()).isEqualTo("quarantine");
    });
    // mail from a domain without a DMARC record is not counted: there is nobody to report to
    assertThat(reports.store().observedDomains(today)).containsExactly("sender.example");
  }
}
