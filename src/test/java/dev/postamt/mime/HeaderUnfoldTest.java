package dev.postamt.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link HeaderText#unfold} and the field values {@link MimePart} parses ({@code unfold(value).strip()},
 * made in one string) give what the three replaces and the strip they stand for gave, on values of line
 * breaks, every kind of white space and other bytes, at random positions.
 */
class HeaderUnfoldTest {
  private static final byte[] ALPHABET = {'\r', '\n', ' ', '\t', 0x0B, 0x0C, 0x1C, 0x1F, (byte) 0xA0, (byte) 0x85, 'a', 'Z',
      ':', (byte) 0xE9, 0};

  private static String reference(String raw) {
    return raw.replace("\r\n", "").replace("\n", "").replace("\r", "");
  }

  @Test
  void sameAsTheReplacesAndTheStrip() {
    Random r = new Random(7);
    for (int round = 0; round < 20_000; round++) {
      byte[] d = new byte[r.nextInt(24)];
      for (int i = 0; i < d.length; i++) {
        d[i] = ALPHABET[r.nextInt(ALPHABET.length)];
      }
      int from = d.length == 0 ? 0 : r.nextInt(d.length + 1);
      int to = from + r.nextInt(d.length - from + 1);
      String raw = new String(d, from, to - from, StandardCharsets.ISO_8859_1);
      assertThat(HeaderText.unfold(raw)).as("unfold %s", raw).isEqualTo(reference(raw));
      assertThat(HeaderText.unfoldedStripped(d, from, to)).as("value %s", raw).isEqualTo(reference(raw).strip());
    }
  }

  @Test
  void aFoldedFieldIsOneLineWithoutItsOuterSpace() {
    byte[] m = "Subject:  a long\r\n\tsubject \r\nTo: x@example.test\r\n\r\nbody".getBytes(StandardCharsets.ISO_8859_1);
    MimePart p = MimePart.parse(m);
    assertThat(p.header("Subject")).isEqualTo("a long\tsubject");
    assertThat(p.header("To")).isEqualTo("x@example.test");
    String oneLine = "no break here";
    assertThat(HeaderText.unfold(oneLine)).isSameAs(oneLine);
  }
}
