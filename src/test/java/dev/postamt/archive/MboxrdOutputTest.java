package dev.postamt.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** mboxrd quoting and line ends, fed whole and byte by byte. */
class MboxrdOutputTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "a\\r\\nb\\r\\n|a\\nb\\n\\n",
      "From me\\r\\n|>From me\\n\\n",
      ">From me\\r\\n|>>From me\\n\\n",
      ">>>From x\\n|>>>>From x\\n\\n",
      "Fro\\r\\nFrom\\r\\n|Fro\\nFrom\\n\\n",
      "x From y\\r\\n|x From y\\n\\n",
      ">\\r\\n>>\\r\\n|>\\n>>\\n\\n",
      "no end|no end\\n\\n",
      "'From '|'>From \\n\\n'",
      "a\\rb\\r\\n|a\\rb\\n\\n",
      "ends in cr\\r|ends in cr\\r\\n\\n",
  })
  void linesAreQuotedAndEndInLf(String in, String expected) throws Exception {
    byte[] input = unescape(in).getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    MboxrdOutput w = new MboxrdOutput(whole);
    w.write(input);
    w.finish();
    assertThat(whole.toString(StandardCharsets.ISO_8859_1)).isEqualTo(unescape(expected));
    ByteArrayOutputStream bytewise = new ByteArrayOutputStream();
    MboxrdOutput b = new MboxrdOutput(bytewise);
    for (byte x : input) {
      b.write(x);
    }
    b.finish();
    assertThat(bytewise.toByteArray()).isEqualTo(whole.toByteArray());
  }

  private static String unescape(String s) {
    return s.replace("\\r", "\r").replace("\\n", "\n");
  }
}
