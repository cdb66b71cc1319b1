package dev.postamt.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.mime.MimePart;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A leaf's text as the index reads it: transfer decoding undone, in its charset, leniently. */
class SearchTextLeafTest {
  private static String leaf(String cte, String charset, byte[] body) {
    byte[] head = ("Content-Type: text/plain" + charset + "\r\n" + cte + "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] mail = new byte[head.length + body.length];
    System.arraycopy(head, 0, mail, 0, head.length);
    System.arraycopy(body, 0, mail, head.length, body.length);
    return SearchText.leafText(MimePart.parse(mail));
  }

  @Test
  void decodesEachEncodingInItsCharset() {
    byte[] utf8 = "Grüße €\r\n".getBytes(StandardCharsets.UTF_8);
    assertThat(leaf("", "", utf8)).isEqualTo("Grüße €\r\n");
    assertThat(leaf("Content-Transfer-Encoding: 8bit\r\n", "; charset=utf-8", utf8)).isEqualTo("Grüße €\r\n");
    assertThat(leaf("", "; charset=iso-8859-1", "Gr\u00fc\u00dfe".getBytes(StandardCharsets.ISO_8859_1)))
        .isEqualTo("Grüße");
    assertThat(leaf("", "; charset=no-such", utf8)).isEqualTo("Grüße €\r\n"); // unknown: UTF-8
    assertThat(leaf("Content-Transfer-Encoding: quoted-printable\r\n", "; charset=utf-8",
        "Gr=C3=BC=C3=9Fe=\r\n =E2=82=AC =XY =4\r\n".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("Grüße € =XY =4\r\n");
    assertThat(leaf("Content-Transfer-Encoding: base64\r\n", "; charset=utf-8",
        "R3LDvMOfZSDigqw=\r\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo("Grüße €");
    assertThat(SearchText.decodeQuotedPrintable("a=3Db=\nc=".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("a=bc=".getBytes(StandardCharsets.US_ASCII));
  }
}
