package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The content rules, with the data cut into two writes (two BDAT chunks) at every position. */
class ContentScannerTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Subject: a\\r\\n\\r\\nbody\\r\\n|NONE",
        "\\r\\nbody only\\r\\n|NONE",
        "|NONE",
        "Subject: a\\r\\n\\r\\nbo\\ndy\\r\\n|BARE_LINE_ENDING",
        "Subject: a\\r\\n\\r\\nbo\\rdy\\r\\n|BARE_LINE_ENDING",
        "Subject: a\\r\\n\\r\\nbody\\r|BARE_LINE_ENDING",
        "Subject: a\\r\\n\\r\\n\\r\\r\\n|BARE_LINE_ENDING",
        "Subject: a\\r\\n\\r\\nb\\0dy\\r\\n|NUL",
        "Subject: a\\r\\nX: 0123456789012345678901234567890123456789\\r\\n\\r\\nbody\\r\\n|HEADER_TOO_LARGE",
        "Subject: a\\r\\n\\r\\n0123456789012345678901234567890123456789012345678901234567890\\r\\n|NONE",
      })
  void verdictWholeAndSplit(String text, ContentScanner.Verdict expected) throws Exception {
    byte[] data = (text == null ? "" : text).replace("\\r", "\r").replace("\\n", "\n").replace("\\0", "\0")
        .getBytes(StandardCharsets.ISO_8859_1);
    for (int cut = 0; cut <= data.length; cut++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ContentScanner s = new ContentScanner(out, 50);
      s.write(data, 0, cut);
      s.write(data, cut, data.length - cut);
      assertThat(s.verdict()).as("cut at %d", cut).isEqualTo(expected);
      assertThat(out.toByteArray()).isEqualTo(data); // passed through unchanged
    }
  }
}
