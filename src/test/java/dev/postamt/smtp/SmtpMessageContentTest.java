package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same content rules for DATA and BDAT: no bare CR or LF (SMTP smuggling), no NUL (no
 * BINARYMIME), a header section within limits.header_size. The refusal comes after the whole data,
 * and the session goes on in step.
 */
class SmtpMessageContentTest {
  @TempDir static Path dir;
  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.start(dir, "[limits]\nheader_size = \"20k\"\n");
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  private static SmtpScript transaction() throws Exception {
    SmtpScript s = SmtpScript.connect(t.port("smtp"));
    s.expect("220 *");
    s.send("EHLO client.example").read();
    s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
    s.send("RCPT TO:<bob@example.test>").expect("250 *");
    return s;
  }

  private static int bobs() throws Exception {
    return t.messages("bob@example.test").size();
  }

  @ParameterizedTest
  @ValueSource(strings = {"\n.\n", "\r.\r", "\r\n.\r", "\n", "\r"})
  void bdatRefusesBareLineEndsLikeData(String bare) throws Exception {
    int before = bobs();
    String c1 = "Subject: one\r\n\r\nfirst" + bare + "MAIL FROM:<admin@example.test>\r\n";
    try (SmtpScript s = transaction()) {
      s.raw("BDAT " + c1.length() + " LAST\r\n" + c1).expect("550 5.5.2 *bare*");
      s.send("NOOP").expect("250 2.0.0 Ok");
    }
    assertThat(bobs()).isEqualTo(before);
  }

  @Test
  void aCrlfSplitBetweenTwoChunksIsOneLineEnd() throws Exception {
    int before = bobs();
    String c1 = "Subject: split\r\n\r\nline one\r";
    String c2 = "\nline two\r\n";
    try (SmtpScript s = transaction()) {
      s.raw("BDAT " + c1.length() + "\r\n" + c1).expect("250 2.0.0 " + c1.length() + " octets received");
      s.raw("BDAT " + c2.length() + " LAST\r\n" + c2).expect("250 2.0.0 Ok: queued as *");
    }
    assertThat(t.awaitMessages("bob@example.test", before + 1)).hasSize(before + 1);
  }

  @Test
  void aChunkEndingInCrFollowedByAnythingButLfIsBare() throws Exception {
    int before = bobs();
    String c1 = "Subject: split\r\n\r\nline one\r";
    String c2 = "line two\r\n";
    try (SmtpScript s = transaction()) {
      s.raw("BDAT " + c1.length() + "\r\n" + c1).expect("250 2.0.0 *");
      s.raw("BDAT " + c2.length() + " LAST\r\n" + c2).expect("550 5.5.2 *bare*");
      s.send("RSET").expect("250 2.0.0 Ok");
    }
    assertThat(bobs()).isEqualTo(before);
  }

  @Test
  void aLastChunkEndingInCrIsBare() throws Exception {
    String c1 = "Subject: x\r\n\r\nbody\r";
    try (SmtpScript s = transaction()) {
      s.raw("BDAT " + c1.length() + " LAST\r\n" + c1).expect("550 5.5.2 *bare*");
      s.send("NOOP").expect("250 2.0.0 Ok");
    }
  }

  @Test
  void nulInDataIsRefusedAfterTheWholeData() throws Exception {
    int before = bobs();
    try (SmtpScript s = transaction()) {
      s.send("DATA").expect("354 *");
      s.raw("Subject: nul\r\n\r\nbefore\0after\r\n.\r\n").expect("550 5.6.0 *NUL*");
      s.send("NOOP").expect("250 2.0.0 Ok");
    }
    assertThat(bobs()).isEqualTo(before);
  }

  @Test
  void nulInBdatIsRefusedAtTheLastChunk() throws Exception {
    int before = bobs();
    String c1 = "Subject: nul\r\n\r\n\0";
    String c2 = "rest\r\n";
    try (SmtpScript s = transaction()) {
      s.raw("BDAT " + c1.length() + "\r\n" + c1).expect("550 5.6.0 *NUL*");
      s.raw("BDAT " + c2.length() + " LAST\r\n" + c2).expect("550 5.6.0 *NUL*");
      s.send("NOOP").expect("250 2.0.0 Ok");
    }
    assertThat(bobs()).isEqualTo(before);
  }

  @Test
  void anOversizedHeaderSectionIsAPermanentRefusal() throws Exception {
    int before = bobs();
    String header = "X-Filler: " + "a".repeat(70) + "\r\n";
    String big = header.repeat(21 * 1024 / header.length() + 1);
    try (SmtpScript s = transaction()) {
      s.send("DATA").expect("354 *");
      s.raw("Subject: big\r\n" + big + "\r\nbody\r\n.\r\n").expect("552 5.3.4 Error: message header section too large");
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      String c1 = "Subject: big\r\n" + big + "\r\nbody\r\n";
      s.raw("BDAT " + c1.length() + " LAST\r\n" + c1).expect("552 5.3.4 Error: message header section too large");
      s.send("NOOP").expect("250 2.0.0 Ok");
    }
    assertThat(bobs()).isEqualTo(before);
  }

  @Test
  void aLargeBodyUnderASmallHeaderIsFine() throws Exception {
    int before = bobs();
    try (SmtpScript s = transaction()) {
      s.send("DATA").expect("354 *");
      s.raw("Subject: long body\r\n\r\n" + ("b".repeat(70) + "\r\n").repeat(1000) + ".\r\n").expect("250 2.0.0 Ok: queued as *");
    }
    assertThat(t.awaitMessages("bob@example.test", before + 1)).hasSize(before + 1);
  }

  /** The default limit (1 MiB) and the mail-authentication stage (1 MiB) agree: no 451, no stack trace. */
  @Test
  void aTenMebibyteHeaderGets552NotALocalError(@TempDir Path own) throws Exception {
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
        new ch.qos.logback.core.read.ListAppender<>();
    log.start();
    root.addAppender(log);
    // the sender's domain exists: the default [policy] refuses unknown sender domains
    Files.writeString(own.resolve("zone.txt"), "remote.example. MX 10 nohost.remote.example.\n");
    try (TestServer big = TestServer.start(own, "[relay]\nnetworks = []\n")) {
      try (SmtpScript s = SmtpScript.connect(big.port("smtp"))) {
        s.expect("220 *");
        s.send("EHLO client.example").read();
        s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
        s.send("RCPT TO:<bob@example.test>").expect("250 *");
        s.send("DATA").expect("354 *");
        byte[] line = ("X-Filler: " + "a".repeat(1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        s.raw("Subject: huge\r\n");
        for (int i = 0; i < 10 * 1024; i++) {
          s.rawBytes(line);
        }
        s.raw("\r\nbody\r\n.\r\n").expect("552 5.3.4 *");
        s.send("NOOP").expect("250 2.0.0 Ok");
      }
      assertThat(Files.exists(big.maildir("bob@example.test").resolve("new"))
          ? big.messages("bob@example.test") : java.util.List.of()).isEmpty();
    } finally {
      root.detachAppender(log);
    }
    // the root appender sees every test running in parallel (a spam test logs a failing check with its
    // trace): a local error of this session would be logged by the SMTP code
    assertThat(log.list).noneMatch(e -> e.getThrowableProxy() != null && e.getLoggerName().startsWith("dev.postamt.smtp"));
    // (the event catalogue's smtp.reject line, logger dev.postamt.events.Event, carries the reply itself)
    assertThat(log.list).filteredOn(e -> e.getFormattedMessage().contains("header section")
            && !e.getLoggerName().equals("dev.postamt.events.Event"))
        .singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).isEqualTo(
            "smtp 127.0.0.1: message refused: header section larger than 1048576 bytes"));
  }
}
