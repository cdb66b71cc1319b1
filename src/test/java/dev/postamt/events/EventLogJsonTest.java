package dev.postamt.events;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import dev.postamt.config.Config;
import dev.postamt.server.LogSetup;
import dev.postamt.testing.MailHost;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.openqa.selenium.json.Json;
import org.slf4j.LoggerFactory;

/**
 * {@code [log] format = "json"} with events: a server's log, a message received and refused, read back
 * line by line with a JSON parser; each event line carries its name and fields as members of {@code
 * kvpList}.
 */
@Isolated // changes the process-wide logging set-up
class EventLogJsonTest {
  @TempDir Path dir;

  @AfterEach
  void restoreLogging() throws Exception {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    new ContextInitializer(ctx).autoConfig();
  }

  @Test
  void everyLineIsOneJsonObjectAndEventsCarryTheirFields() throws Exception {
    Path cfg = dir.resolve("log.toml");
    Files.writeString(cfg, "[log]\nformat = \"json\"\nfile = \"p.log\"\n");
    LogSetup.apply(Config.load(cfg, true).log());
    Path log = dir.resolve("p.log");
    Path serverDir = Files.createDirectory(dir.resolve("server"));
    Files.writeString(serverDir.resolve("zone.txt"), "remote.example. MX 10 mx.remote.example.\nmx.remote.example. A 192.0.2.25\n");
    try (TestServer t = TestServer.start(serverDir, "[relay]\nnetworks = []\n")) {
      try (SmtpScript s = t.smtp("smtp")) {
        s.send("EHLO client.example").read();
        s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
        s.send("RCPT TO:<nobody@elsewhere.example>").expect("5* *"); // not ours, not relayed
        s.send("RCPT TO:<bob@example.test>").expect("250 *");
        s.send("DATA").expect("354 *");
        s.raw("Subject: json \"quoted\"\r\nMessage-ID: <j1@remote.example>\r\n\r\nhello\r\n.\r\n").expect("250 2.0.0 *");
        s.send("QUIT").read();
      }
      MailHost.await(() -> read(log).contains("delivery.delivered"), "the delivery in the log");
    }
    Json json = new Json();
    List<Map<String, Object>> events = new ArrayList<>();
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).hasSizeGreaterThan(5);
    for (String line : lines) {
      assertThat(line).as(line).startsWith("{").endsWith("}");
      @SuppressWarnings("unchecked")
      Map<String, Object> o = (Map<String, Object>) json.toType(line, Map.class);
      assertThat(o).as(line).containsKeys("timestamp", "level", "loggerName", "message");
      if ("dev.postamt.events.Event".equals(o.get("loggerName"))) {
        events.add(o);
      }
    }
    assertThat(events).extracting(o -> kvp(o).get("event")).contains("smtp.connect", "smtp.reject", "queue.queued",
        "smtp.accepted", "delivery.delivered");
    Map<String, String> reject = events.stream().map(EventLogJsonTest::kvp).filter(k -> "smtp.reject".equals(k.get("event")))
        .findFirst().orElseThrow();
    assertThat(reject).containsEntry("command", "RCPT").containsEntry("to", "<nobody@elsewhere.example>")
        .containsEntry("from", "<sender@remote.example>").containsKey("session");
    assertThat(reject.get("reply")).startsWith("5");
    Map<String, String> queued = events.stream().map(EventLogJsonTest::kvp).filter(k -> "queue.queued".equals(k.get("event")))
        .findFirst().orElseThrow();
    assertThat(queued).containsEntry("message_id", "<j1@remote.example>").containsEntry("to", "<bob@example.test>");
    // the text of the message reads as the text format's line
    assertThat(events).extracting(o -> (String) o.get("message")).anyMatch(m -> m.startsWith("smtp.reject session=S"));
  }

  /** The key/value pairs of a line: logback writes {@code "kvpList": [{"key": "value"}, …]}. */
  @SuppressWarnings("unchecked")
  static Map<String, String> kvp(Map<String, Object> o) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    Object list = o.get("kvpList");
    if (list instanceof List<?> l) {
      for (Object e : l) {
        ((Map<String, Object>) e).forEach((k, v) -> out.put(k, String.valueOf(v)));
      }
    }
    return out;
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
