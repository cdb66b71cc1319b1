package dev.postamt.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Wire form of stored messages: line ends, byte-stuffing, TOP, and sizes that match what is sent. */
class Pop3MessageEncoderTest {

  static String retr(String stored, boolean oneByteAtATime) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long n = MessageEncoder.retr(in(stored, oneByteAtATime), out);
    String wire = out.toString(StandardCharsets.ISO_8859_1);
    // the reported size is what was sent minus the stuffed dots (RFC 1939 §11)
    assertThat(n).isEqualTo(wire.replace("\r\n.", "\r\n").replaceFirst("^\\.", "").length());
    assertThat(MessageEncoder.size(in(stored, false))).isEqualTo(n);
    return wire;
  }

  static InputStream in(String s, boolean oneByteAtATime) {
    InputStream base = new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    if (!oneByteAtATime) {
      return base;
    }
    return new FilterInputStream(base) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 1));
      }
    };
  }

  static String unescape(String s) {
    return s.replace("\\r", "\r").replace("\\n", "\n");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "a\\r\\nb\\r\\n | a\\r\\nb\\r\\n",
        "a\\nb\\n | a\\r\\nb\\r\\n",
        "a\\r\\nno end | a\\r\\nno end\\r\\n",
        "ends in CR\\r | ends in CR\\r\\n",
        ".x\\r\\n..y\\r\\n.\\r\\n | ..x\\r\\n...y\\r\\n..\\r\\n",
        ".\\n | ..\\r\\n",
        "bare\\rCR\\r\\n | bare\\rCR\\r\\n",
        "a\\r.b\\r\\n | a\\r.b\\r\\n",
        "'' | ''",
      })
  void retrNormalizesLineEndsAndStuffsDots(String stored, String wire) throws IOException {
    assertThat(retr(unescape(stored), false)).isEqualTo(unescape(wire));
    assertThat(retr(unescape(stored), true)).isEqualTo(unescape(wire));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0 | H: 1\\r\\n\\r\\n",
        "1 | H: 1\\r\\n\\r\\nb1\\r\\n",
        "2 | H: 1\\r\\n\\r\\nb1\\r\\n..b2\\r\\n",
        "9 | H: 1\\r\\n\\r\\nb1\\r\\n..b2\\r\\n\\r\\nb4\\r\\n",
      })
  void topStopsAfterTheRequestedBodyLines(long lines, String wire) throws IOException {
    String stored = "H: 1\n\nb1\n.b2\n\nb4";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MessageEncoder.top(in(stored, true), out, lines);
    assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(unescape(wire));
  }

  @ParameterizedTest
  @CsvSource({"0", "3"})
  void topOfAMessageWithoutBodySendsTheHeader(long lines) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MessageEncoder.top(in("A: 1\r\nB: 2", false), out, lines);
    assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo("A: 1\r\nB: 2\r\n");
  }

  @ParameterizedTest
  @CsvSource({"16383", "16384", "16385", "40000"})
  void chunkBoundariesDoNotMatter(int len) throws IOException {
    String body = "x".repeat(len - 1) + "\n.\n" + "\n".repeat(len);
    String wire = retr(body, false);
    assertThat(wire).isEqualTo(retr(body, true));
    assertThat(wire).startsWith("x".repeat(len - 1) + "\r\n..\r\n").endsWith("\r\n".repeat(len));
  }
}
