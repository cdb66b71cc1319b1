package dev.postamt.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.mime.MimePart;
import dev.postamt.mime.TransferDecoding;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reading a message for the scan: the bytes kept up to the limit, the size counted, text parts decoded. */
class ScannedMessageTest {
  @Test
  void keepsAtMostTheLimitAndCountsTheWholeSize() throws Exception {
    Random rnd = new Random(1);
    for (int size : new int[] {0, 1, 999, 1000, 1001, 70_000}) {
      byte[] msg = new byte[size];
      rnd.nextBytes(msg);
      for (long max : new long[] {0, 1, 1000, 1_000_000}) {
        // what the stream says it holds (available) is exact, too small, or too large
        for (int says : new int[] {-1, 0, 500, size + 100}) {
          // a stream that hands out few bytes at a time, as a socket or a file may
          InputStream in = new ByteArrayInputStream(msg) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
              return super.read(b, off, Math.min(len, 777));
            }

            @Override
            public synchronized int available() {
              return says < 0 ? super.available() : says;
            }
          };
          ScannedMessage m = ScannedMessage.read(in, max);
          assertThat(m.size()).isEqualTo(size);
          assertThat(m.raw()).isEqualTo(Arrays.copyOf(msg, (int) Math.min(size, max)));
          assertThat(m.truncated()).isEqualTo(size > max);
        }
      }
    }
  }

  @Test
  void aTextPartNotTransferEncodedIsItsBytesInItsCharset() throws Exception {
    for (String cte : new String[] {"", "Content-Transfer-Encoding: 8bit\r\n", "Content-Transfer-Encoding: 7BIT\r\n",
        "Content-Transfer-Encoding: x-unknown\r\n", "Content-Transfer-Encoding: binary\r\n"}) {
      for (String charset : new String[] {"", "; charset=utf-8", "; charset=iso-8859-1", "; charset=no-such"}) {
        byte[] mail = ("Content-Type: text/plain" + charset + "\r\n" + cte + "\r\nGr\u00fc\u00dfe \u20ac 1\r\nzwei\r\n")
            .getBytes(charset.contains("8859") ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        MimePart p = MimePart.parse(mail);
        String expected; // as the decoding stream gave it
        try (InputStream in = TransferDecoding.decoded(p)) {
          expected = new String(in.readNBytes(1 << 20), ScannedMessage.charset(p.params().get("charset")));
        }
        assertThat(ScannedMessage.decodeText(p)).as("%s %s", cte, charset).isEqualTo(expected);
      }
    }
    byte[] big = ("Content-Type: text/plain\r\n\r\n" + "x".repeat(ScannedMessage.MAX_TEXT_PER_PART + 10))
        .getBytes(StandardCharsets.US_ASCII);
    assertThat(ScannedMessage.decodeText(MimePart.parse(big))).hasSize(ScannedMessage.MAX_TEXT_PER_PART);
  }

  /** The white space of a rendered line squeezed as {@code replaceAll("[ \\t\\u00a0]+", " ")} did. */
  @Test
  void squeezeIsTheOldReplaceAll() {
    String alphabet = "ab \t\u00a0\u2003\r.x";
    Random rnd = new Random(9);
    for (int round = 0; round < 2000; round++) {
      StringBuilder b = new StringBuilder();
      for (int i = 0, n = rnd.nextInt(40); i < n; i++) {
        b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      String line = b.toString();
      assertThat(ScannedMessage.squeeze(line)).as("[%s]", line).isEqualTo(line.replaceAll("[ \\t\\u00a0]+", " "));
    }
  }

  /**
   * One parse of an HTML part gives both its text and its links; the links are read before the scripts,
   * styles and head elements are dropped for the text, as when the part was parsed again for them.
   */
  @Test
  void htmlPartsGiveTheirTextAndAllTheirLinks() {
    String html = "<html><head><title>T</title><link href=\"https://style.example/a.css\">"
        + "<script>var u = '<a href=\"https://js.example/\">x</a>';</script></head><body>"
        + "<p>Hello  <a href=\" https://one.example/x \">click <b>here</b></a></p>"
        + "<img src=\"https://img.example/i.png\"><form action=\"/post\"></form>"
        + "<style>.a{}</style><div>bye&nbsp;&nbsp; now</div></body></html>";
    String mail = "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n"
        + html + "\r\n--b\r\nContent-Type: text/html\r\n\r\n<a href=\"https://two.example/\">2</a>\r\n--b--\r\n";
    ScannedMessage m = ScannedMessage.of(mail.getBytes(StandardCharsets.UTF_8));
    assertThat(m.htmlLinks()).containsExactly(
        new ScannedMessage.HtmlLink("https://style.example/a.css", "", "link"),
        new ScannedMessage.HtmlLink("https://one.example/x", "click here", "a"),
        new ScannedMessage.HtmlLink("https://img.example/i.png", "", "img"),
        new ScannedMessage.HtmlLink("/post", "", "form"),
        new ScannedMessage.HtmlLink("https://two.example/", "2", "a"));
    assertThat(m.textParts().getFirst().text()).isEqualTo(ScannedMessage.renderHtml(html)).isEqualTo("T\nHello click here\nbye now\n");
  }
}
