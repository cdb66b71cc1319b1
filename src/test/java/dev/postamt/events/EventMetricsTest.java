package dev.postamt.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import dev.postamt.web.HttpTestClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} read by a real Prometheus text-format parser (the Python client's {@code
 * text_string_to_metric_families}, Debian's {@code python3-prometheus-client}; skipped where it is not
 * installed): the whole scrape parses, and {@code postamt_events_total{event}} counts what a session did.
 */
class EventMetricsTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("http");

  @TempDir Path dir;

  private static final String PARSER = """
      import sys
      from prometheus_client.parser import text_string_to_metric_families
      text = open(sys.argv[1], encoding="utf-8").read()
      for family in text_string_to_metric_families(text):
          for s in family.samples:
              if s.name in ("postamt_events_total", "postamt_trail_dropped_total"):
                  print(family.type, s.name, s.labels.get("event", "-"), s.value)
      print("parsed")
      """;

  private static String python() {
    for (String p : List.of("/usr/bin/python3", "python3")) {
      try {
        Process pr = new ProcessBuilder(p, "-c", "import prometheus_client.parser").redirectErrorStream(true).start();
        if (pr.waitFor(30, TimeUnit.SECONDS) && pr.exitValue() == 0) {
          return p;
        }
      } catch (Exception e) {
        // try the next
      }
    }
    return null;
  }

  private static String scrape() throws Exception {
    HttpResponse<String> r = HttpTestClient.of(t, "http", null).get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** event → value of {@code postamt_events_total}, as the parser read them; the dropped counter under "dropped". */
  private Map<String, Double> parse(String python, String scrape) throws Exception {
    Path file = Files.writeString(dir.resolve("scrape-" + System.nanoTime() + ".txt"), scrape);
    Process p = new ProcessBuilder(python, "-c", PARSER, file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).endsWith("parsed\n");
    Map<String, Double> values = new HashMap<>();
    for (String line : out.lines().toList()) {
      String[] w = line.split(" ");
      if (w.length == 4) {
        assertThat(w[0]).isEqualTo("counter");
        values.put(w[1].equals("postamt_trail_dropped_total") ? "dropped" : w[2], Double.parseDouble(w[3]));
      }
    }
    return values;
  }

  @Test
  void theScrapeParsesAndCountsEventsByName() throws Exception {
    String python = python();
    Assumptions.assumeTrue(python != null, "python3 with prometheus_client (Debian: python3-prometheus-client) is not installed");
    Map<String, Double> before = parse(python, scrape());
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("Subject: counted\r\n\r\nhello\r\n.\r\n").expect("250 2.0.0 *");
      s.send("QUIT").read();
    }
    Map<String, Double> after = parse(python, scrape());
    // one registry per process, and other tests count too: at least one more
    for (String event : List.of("smtp.connect", "queue.queued", "smtp.accepted")) {
      assertThat(after.getOrDefault(event, 0.0)).as(event).isGreaterThanOrEqualTo(before.getOrDefault(event, 0.0) + 1);
    }
    assertThat(after).containsKey("dropped");
  }
}
