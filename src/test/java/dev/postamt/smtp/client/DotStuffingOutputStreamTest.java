package dev.postamt.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The outbound DATA writer: dot-stuffing, and every line end CRLF, so that a stored message with bare
 * CR or LF cannot end the data early at the next hop (SMTP smuggling). Fed whole and byte by byte.
 */
class DotStuffingOutputStreamTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "a\\r\\nb\\r\\n|a\\r\\nb\\r\\n.\\r\\n",
        "a|a\\r\\n.\\r\\n",
        "|.\\r\\n",
        ".x\\r\\n..y\\r\\n|..x\\r\\n...y\\r\\n.\\r\\n",
        // smuggling attempts: the hidden end markers become stuffed dots on lines of their own
        "a\\r.\\rMAIL FROM:<x>|a\\r\\n..\\r\\nMAIL FROM:<x>\\r\\n.\\r\\n",
        "a\\n.\\nRCPT TO:<y>\\n|a\\r\\n..\\r\\nRCPT TO:<y>\\r\\n.\\r\\n",
        "a\\r\\n.\\nb|a\\r\\n..\\r\\nb\\r\\n.\\r\\n",
        "a\\n\\r.\\r\\n|a\\r\\n\\r\\n..\\r\\n.\\r\\n",
        "x\\r|x\\r\\n.\\r\\n",
        "\\r\\r\\n|\\r\\n\\r\\n.\\r\\n",
      })
  void everyLineEndsInCrlfAndLeadingDotsAreDoubled(String in, String expected) throws Exception {
    byte[] input = unescape(in).getBytes(StandardCharsets.ISO_8859_1);
    assertThat(whole(input)).isEqualTo(unescape(expected));
    assertThat(byteByByte(input)).isEqualTo(unescape(expected));
  }

  private static String whole(byte[] in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DotStuffingOutputStream d = new DotStuffingOutputStream(out);
    d.write(in, 0, in.length);
    d.finish();
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  private static String byteByByte(byte[] in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DotStuffingOutputStream d = new DotStuffingOutputStream(out);
    for (byte b : in) {
      d.write(b);
    }
    d.finish();
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  private static String unescape(String s) {
    return s == null ? "" : s.replace("\\r", "\r").replace("\\n", "\n");
  }
}
