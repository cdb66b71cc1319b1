package dev.postamt.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import dev.postamt.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.slf4j.LoggerFactory;

/** {@code [log]}: lines with date, time and zone, in a rotated file, as text or JSON (issue 14 item 4). */
@Isolated // changes the process-wide logging set-up
class LogSetupTest {
  @TempDir Path dir;

  @AfterEach
  void restoreLogging() throws Exception {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    new ContextInitializer(ctx).autoConfig();
  }

  private Config config(String log) throws Exception {
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(cfg, "[log]\n" + log);
    return Config.load(cfg, true);
  }

  @Test
  void textLinesCarryDateTimeAndZoneAndTheFileIsRotatedBySize() throws Exception {
    LogSetup.apply(config("file = \"logs/postamt.log\"\nmax_size = \"64k\"\nkeep = 2\n").log());
    var log = LoggerFactory.getLogger("dev.postamt.imap.ImapSession");
    log.info("login ok: proto=imap user=<alice@example.test> ip=192.0.2.1");
    List<String> lines = awaitLines(dir.resolve("logs/postamt.log"), 1);
    assertThat(lines)
        .singleElement()
        .asString()
        .matches(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) INFO  ImapSession: "
                + "login ok: proto=imap user=<alice@example.test> ip=192.0.2.1");
    String filler = "x".repeat(1000);
    for (int i = 0; i < 400; i++) { // 400 KB through a 64 KB file: rolled, at most 2 old files kept
      log.info(filler);
    }
    assertThat(dir.resolve("logs/postamt.log.1")).exists();
    assertThat(dir.resolve("logs/postamt.log.3")).doesNotExist();
    assertThat(Files.size(dir.resolve("logs/postamt.log"))).isLessThan(200_000);
  }

  @Test
  void jsonFormatWritesOneObjectPerLine() throws Exception {
    LogSetup.apply(config("format = \"json\"\nfile = \"p.log\"\n").log());
    LoggerFactory.getLogger("dev.postamt.smtp.SmtpSession").info("accepted");
    List<String> lines = awaitLines(dir.resolve("p.log"), 1);
    assertThat(lines).singleElement().asString().startsWith("{").endsWith("}").contains("\"message\":\"accepted\"");
  }

  /**
   * Lines go out through a buffer (BufferedLog): a warning at once, with every line before it, without
   * a wait; lines below it within the flush interval; and whatever is left when the appender stops.
   */
  @Test
  void aWarningIsWrittenAtOnceWithTheLinesBeforeItAndAStopWritesTheRest() throws Exception {
    LogSetup.apply(config("file = \"b.log\"\n").log());
    var log = LoggerFactory.getLogger("dev.postamt.smtp.SmtpSession");
    log.info("first");
    log.warn("second");
    assertThat(Files.readAllLines(dir.resolve("b.log"))).hasSize(2).satisfiesExactly(
        l -> assertThat(l).endsWith("INFO  SmtpSession: first"), l -> assertThat(l).endsWith("WARN  SmtpSession: second"));
    log.info("third");
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAndStopAllAppenders();
    assertThat(Files.readAllLines(dir.resolve("b.log"))).hasSize(3).last().asString().endsWith("INFO  SmtpSession: third");
  }

  @Test
  void anInfoLineIsWrittenWithinTheFlushInterval() throws Exception {
    LogSetup.apply(config("file = \"i.log\"\n").log());
    long start = System.nanoTime();
    LoggerFactory.getLogger("dev.postamt.smtp.SmtpSession").info("accepted");
    assertThat(awaitLines(dir.resolve("i.log"), 1)).singleElement().asString().endsWith("accepted");
    // the bound itself, with room for a loaded machine: not the buffer's size or a stop that wrote it
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(5));
  }

  /**
   * The size bound counts the bytes written from the file's length at the start (a restart, a reload): a
   * file already near {@code max_size} is rolled after a few more lines, not after another {@code max_size}.
   */
  @Test
  void aFileNearItsBoundAtTheStartIsRolledAfterAFewMoreLines() throws Exception {
    Path file = Files.createDirectories(dir.resolve("logs")).resolve("n.log");
    Files.writeString(file, ("old line " + "x".repeat(90) + "\n").repeat(650)); // 65,000 bytes
    LogSetup.apply(config("file = \"logs/n.log\"\nmax_size = \"64k\"\nkeep = 2\n").log());
    var log = LoggerFactory.getLogger("dev.postamt.smtp.SmtpSession");
    for (int i = 0; i < 20; i++) {
      log.warn("new line {}", i); // written at once
    }
    assertThat(dir.resolve("logs/n.log.1")).exists();
    assertThat(Files.readString(dir.resolve("logs/n.log.1"))).startsWith("old line");
    assertThat(Files.readAllLines(file)).isNotEmpty().allMatch(l -> l.contains("new line"));
  }

  /** The file's lines once it has {@code n} of them, waiting up to 10 s (the buffer writes within 0.1 s). */
  private static List<String> awaitLines(Path file, int n) throws Exception {
    long end = System.nanoTime() + 10_000_000_000L;
    while (true) {
      List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
      if (lines.size() >= n || System.nanoTime() > end) {
        return lines;
      }
      Thread.sleep(10);
    }
  }
}
