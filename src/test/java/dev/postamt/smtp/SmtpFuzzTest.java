package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the SMTP parsers: command classification, the MAIL/RCPT path parser and the DATA reader.
 * Bad input may only ever produce an {@link SmtpException} (a protocol reply) or, for DATA, an
 * end-of-stream; nothing else may escape. In regression mode ({@code ./mvnw verify}) the seeds in
 * {@code src/test/resources/dev/postamt/smtp/SmtpFuzzTestInputs/} run; with JAZZER_FUZZ=1 it fuzzes.
 */
class SmtpFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void commandParsersNeverThrowUnexpectedly(FuzzedDataProvider data) {
    String line = data.consumeString(600);
    int sp = line.indexOf(' ');
    SmtpCommand.of(sp < 0 ? line : line.substring(0, sp), line);
    try {
      MailPath p = MailPath.parse(line, data.consumeBoolean());
      // a parsed path must print back into something that parses to the same address
      if (!p.isNull()) {
        MailPath again = MailPath.parse("<" + p.address() + ">", false);
        assertThat(again.address()).isEqualTo(p.address());
      }
    } catch (SmtpException e) {
      assertThat(e.reply().code()).isBetween(500, 599);
    }
    byte[] body = data.consumeRemainingAsBytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      DataReader.Result r = DataReader.read(new ByteArrayInputStream(body), out, 4096);
      assertThat(r.size()).isGreaterThanOrEqualTo(out.size());
      if (!r.bareLineEnding() && !r.tooBig()) {
        // what was accepted contains no bare CR or LF
        String s = out.toString(StandardCharsets.ISO_8859_1);
        assertThat(s.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
      }
    } catch (EOFException expected) {
      // input ended before the end marker
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
