package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DATA reading: dot-unstuffing, the only valid end marker, bare CR/LF detection, size limit. */
class DataReaderTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // wire (\\r \\n escaped)                 | message                    | bare  | rest after end
        "a\\r\\n.\\r\\n                           | a\\r\\n                    | false | ''",
        ".\\r\\n                                  | ''                         | false | ''",
        "..x\\r\\n.\\r\\nQUIT\\r\\n               | .x\\r\\n                   | false | QUIT\\r\\n",
        "...\\r\\n.\\r\\n                         | ..\\r\\n                    | false | ''",
        "a\\n.\\nb\\r\\n.\\r\\n                   | a\\n.\\nb\\r\\n             | true  | ''",
        "a\\r\\n.\\nb\\r\\n.\\r\\n                | a\\r\\n\\nb\\r\\n            | true  | ''",
        "a\\r.\\rb\\r\\n.\\r\\n                   | a\\r.\\rb\\r\\n             | true  | ''",
        "a\\r\\n.\\rb\\r\\n.\\r\\n                | a\\r\\n\\rb\\r\\n            | true  | ''",
        "x\\r\\r\\n.\\r\\n                        | x\\r\\r\\n                  | true  | ''",
      })
  void table(String wire, String message, boolean bare, String rest) throws Exception {
    InputStream in = new ByteArrayInputStream(unescape(wire));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataReader.Result r = DataReader.read(in, out, 1000);
    assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(new String(unescape(message), StandardCharsets.ISO_8859_1));
    assertThat(r.bareLineEnding()).isEqualTo(bare);
    assertThat(r.tooBig()).isFalse();
    assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo(new String(unescape(rest), StandardCharsets.ISO_8859_1));
  }

  @ParameterizedTest
  @CsvSource({"9,false", "8,true"})
  void sizeLimitCountsUnstuffedBytes(long max, boolean tooBig) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // ".abcdef\r\n" is 9 bytes after unstuffing
    DataReader.Result r = DataReader.read(new ByteArrayInputStream(unescape("..abcdef\\r\\n.\\r\\n")), out, max);
    assertThat(r.size()).isEqualTo(9);
    assertThat(r.tooBig()).isEqualTo(tooBig);
    assertThat(out.size()).isLessThanOrEqualTo((int) max);
  }

  @ParameterizedTest
  @CsvSource({"abc", "abc\\r\\n.", "abc\\r\\n.\\r"})
  void endOfStreamBeforeTheEndMarkerIsAnError(String wire) {
    assertThatThrownBy(() -> DataReader.read(new ByteArrayInputStream(unescape(wire)), new ByteArrayOutputStream(), 100))
        .isInstanceOf(EOFException.class);
  }

  static byte[] unescape(String s) {
    return s.replace("\\r", "\r").replace("\\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
  }
}
