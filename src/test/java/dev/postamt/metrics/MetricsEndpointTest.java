package dev.postamt.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.config.Config;
import dev.postamt.config.ConfigException;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import dev.postamt.web.HttpTestClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} on the HTTP listener: the counters move when mail arrives and when clamd does
 * not answer, the JVM meters are there, and a client outside {@code [metrics] networks} gets 403. The
 * registry is the process's, shared with other tests in this JVM: the tests compare before and after.
 */
class MetricsEndpointTest {
  private static final String ZONE = "remote.example. MX 10 nohost.remote.example.\n";

  /** clamd at a port nobody listens on, and mail accepted unscanned then; metrics for loopback (the default). */
  @RegisterExtension
  static final TestServer t = TestServer.create().listen("http").zone(ZONE)
      .toml("[relay]\nnetworks = []\n[antivirus]\nclamd = \"tcp:127.0.0.1:" + dev.postamt.testing.Ports.closed() + "\"\non_unavailable = \"accept\"\ntimeout = \"5s\"\n");

  /** Metrics only for a network the test client is not in. */
  @RegisterExtension
  static final TestServer elsewhere = TestServer.create().listen("http").toml("[metrics]\nnetworks = [\"192.0.2.0/24\"]\n");


  private static double value(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static String scrape(TestServer server) throws Exception {
    HttpResponse<String> r = HttpTestClient.of(server, "http", null).get("/metrics");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    return r.body();
  }

  @Test
  void aReceivedMessageAndAnUnansweredClamdAreCounted() throws Exception {
    String before = scrape(t);
    SmtpScript s = t.smtp("smtp");
    assertThat(value(scrape(t), "postamt_connections{protocol=\"smtp\"}")).isGreaterThanOrEqualTo(1);
    s.send("EHLO client.example").read();
    s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
    s.send("RCPT TO:<bob@example.test>").expect("250 *");
    s.send("DATA").expect("354 *");
    s.raw("Subject: counted\r\n\r\nhello\r\n.\r\n").expect("250 2.0.0 *");
    t.awaitMessageContaining("bob@example.test", "Subject: counted");
    String after = scrape(t);

    String received = "postamt_messages_received_total{service=\"smtp\"}";
    // one registry for the process: tests running in parallel may count too, so "at least"
    assertThat(value(after, received)).isGreaterThanOrEqualTo(value(before, received) + 1);
    String scans = "postamt_spam_scan_seconds_count";
    assertThat(value(after, scans)).isGreaterThanOrEqualTo(value(before, scans) + 1);
    String delivered = "postamt_deliveries_total{outcome=\"delivered\"}";
    assertThat(value(after, delivered)).isGreaterThanOrEqualTo(value(before, delivered) + 1);
    String unavailable = "postamt_antivirus_unavailable_total";
    assertThat(value(after, unavailable)).isGreaterThanOrEqualTo(value(before, unavailable) + 1);
    assertThat(after).contains("# TYPE postamt_antivirus_unavailable_total counter")
        .containsPattern("(?m)^postamt_queue_messages \\d")
        .contains("jvm_memory_used_bytes").contains("jvm_threads_live_threads").contains("system_cpu_count");
  }

  @Test
  void aRecipientWhoseDomainCannotBeReachedIsCountedDeferredOrBounced() throws Exception {
    String deferred = "postamt_deliveries_total{outcome=\"deferred\"}";
    String bounced = "postamt_deliveries_total{outcome=\"bounced\"}";
    String first = scrape(t);
    double before = value(first, deferred) + value(first, bounced);
    try (SmtpScript s = SmtpScript.connect(t.port("submission"))) {
      s.expect("220 *");
      s.send("EHLO client").read();
      s.send("STARTTLS").expect("220 *");
      s.upgradeTls();
      s.send("EHLO client").read();
      String plain = java.util.Base64.getEncoder().encodeToString("\0alice@example.test\0secret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      s.send("AUTH PLAIN " + plain).expect("235 *");
      s.send("MAIL FROM:<alice@example.test>").expect("250 *");
      s.send("RCPT TO:<someone@remote.example>").expect("250 *"); // its MX has no address
      s.send("DATA").expect("354 *");
      s.raw("Subject: unreachable\r\n\r\nhello\r\n.\r\n").expect("250 2.0.0 *");
    }
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    double now = before;
    while (now < before + 1 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      String sc = scrape(t);
      now = value(sc, deferred) + value(sc, bounced);
    }
    assertThat(now).isGreaterThanOrEqualTo(before + 1);
  }

  @Test
  void aRefusedRecipientIsCountedByReason() throws Exception {
    String series = "postamt_smtp_rejects_total{reason=\"policy\"}";
    double before = value(scrape(t), series);
    SmtpScript s = t.smtp("smtp");
    s.send("EHLO client.example").read();
    s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
    s.send("RCPT TO:<someone@elsewhere.example>").expect("554 *"); // relaying denied
    assertThat(value(scrape(t), series)).isGreaterThanOrEqualTo(before + 1);
  }

  @Test
  void aClientOutsideTheMetricsNetworksGets403() throws Exception {
    HttpResponse<String> r = HttpTestClient.of(elsewhere, "http", null).get("/metrics");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("[metrics] networks").doesNotContain("postamt_");
  }

  @Test
  void aWrongMethodIs405() throws Exception {
    HttpTestClient c = HttpTestClient.of(t, "http", null);
    HttpResponse<String> r = c.post("/metrics", "text/plain", new byte[0]);
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("GET");
  }

  @Test
  void aBadNetworkIsAConfigErrorNamingTheKey(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(cfg, "[metrics]\nnetworks = [\"not-a-network\"]\n");
    assertThatThrownBy(() -> Config.load(cfg, true)).isInstanceOf(ConfigException.class).hasMessageContaining("metrics.networks");
    Files.writeString(cfg, "[metrics]\nnetwork = []\n");
    assertThatThrownBy(() -> Config.load(cfg, true)).isInstanceOf(ConfigException.class).hasMessageContaining("network");
  }
}
