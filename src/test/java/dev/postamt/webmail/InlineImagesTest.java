package dev.postamt.webmail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which parts of a message a {@code cid:} reference may show (RFC 2392, RFC 2387), and how much of them. */
class InlineImagesTest {
  private static String part(String type, String cid, String base64) {
    return "--b\r\nContent-Type: " + type + "\r\nContent-Transfer-Encoding: base64\r\n"
        + (cid == null ? "" : "Content-ID: " + cid + "\r\n") + "\r\n" + base64 + "\r\n";
  }

  @Test
  void onlyRasterPartsOfThisMessageWithAContentId() {
    String png = Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    String inner = "Content-Type: multipart/related; boundary=\"i\"\r\n\r\n--i\r\nContent-Type: image/png\r\n"
        + "Content-ID: <inner@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n" + png + "\r\n--i--\r\n";
    String message = "Subject: related\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n"
        + "--b\r\nContent-Type: text/html\r\n\r\n<img src=cid:logo@x>\r\n"
        + part("image/png", "<Logo@X>", png)
        + part("image/jpg", "<photo@x>", png)
        + part("image/svg+xml", "<vector@x>", Base64.getEncoder().encodeToString("<svg onload=alert(1)/>".getBytes(StandardCharsets.UTF_8)))
        + part("image/gif", null, png)
        + "--b\r\nContent-Type: message/rfc822\r\n\r\n" + inner
        + "--b--\r\n";
    Map<String, String> m = InlineImages.of(message.getBytes(StandardCharsets.ISO_8859_1));
    assertThat(m).containsOnlyKeys("logo@x", "photo@x");
    assertThat(m.get("logo@x")).isEqualTo("data:image/png;base64," + png);
    assertThat(m.get("photo@x")).startsWith("data:image/jpeg;base64,");
    assertThat(InlineImages.ofUrl("cid:Logo%40X")).isEqualTo("logo@x");
  }

  @Test
  void imagesBeyondTheBudgetStayOut() {
    String big = Base64.getMimeEncoder().encodeToString(new byte[InlineImages.MAX_TOTAL - 10]);
    String small = Base64.getEncoder().encodeToString(new byte[20]);
    String message = "Content-Type: multipart/related; boundary=\"b\"\r\n\r\n"
        + part("image/png", "<big@x>", big) + part("image/png", "<small@x>", small) + "--b--\r\n";
    assertThat(InlineImages.of(message.getBytes(StandardCharsets.ISO_8859_1))).containsOnlyKeys("big@x");
  }
}
