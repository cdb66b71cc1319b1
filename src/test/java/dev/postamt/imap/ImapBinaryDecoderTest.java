package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.mime.MimePart;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link BinaryDecoder} and {@link BinaryUpload} alone: transfer encodings in, octets out, and back. */
class ImapBinaryDecoderTest {
  static Stream<Arguments> decodings() {
    return Stream.of(
        Arguments.of("base64", "aGVsbG8=", "hello"),
        Arguments.of("BASE64", " aG\r\nVs*bG8\t", "hello"), // stray characters skipped (RFC 2045 §6.8)
        Arguments.of("base64", "aGk=aGk=", "hi"), // '=' ends the data
        Arguments.of("base64", "aGVsbA", "hell"), // no padding: the complete octets
        Arguments.of("base64", "", ""),
        Arguments.of("quoted-printable", "a=3Db=3db", "a=b=b"),
        Arguments.of("quoted-printable", "a=ZZ=4", "a=ZZ=4"), // malformed escapes stay
        Arguments.of("quoted-printable", "soft=\r\nbreak\r\n", "softbreak\r\n"),
        Arguments.of("quoted-printable", "bare\nlf\n", "bare\r\nlf\r\n"),
        Arguments.of("quoted-printable", "trail \t\r\nend", "trail\r\nend"),
        Arguments.of("quoted-printable", "ws after soft= \t\r\nx", "ws after softx"),
        Arguments.of("quoted-printable", "=\r\n", ""),
        Arguments.of("7bit", "as =3D is\r\n", "as =3D is\r\n"),
        Arguments.of("8bit", "x", "x"),
        Arguments.of(" Binary ", "x", "x"),
        Arguments.of(null, "y", "y"));
  }

  @ParameterizedTest
  @MethodSource("decodings")
  void decodes(String cte, String in, String out) throws Exception {
    byte[] b = in.getBytes(StandardCharsets.ISO_8859_1);
    assertThat(new String(BinaryDecoder.decode(b, 0, b.length, cte), StandardCharsets.ISO_8859_1)).isEqualTo(out);
  }

  @Test
  void decodesOnlyTheRangeAsked() throws Exception {
    byte[] b = "xxaGk=yy".getBytes(StandardCharsets.US_ASCII);
    assertThat(BinaryDecoder.decode(b, 2, 6, "base64")).containsExactly('h', 'i');
  }

  @Test
  void unknownEncodingIsUnknownCte() {
    byte[] b = "x".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> BinaryDecoder.decode(b, 0, 1, "x-uuencode"))
        .isInstanceOf(ImapException.class)
        .extracting(e -> ((ImapException) e).reply())
        .asString()
        .startsWith("NO [UNKNOWN-CTE]");
  }

  @Test
  void uploadReencodesOnlyBinaryLeaves() throws Exception {
    String head = "Subject: t\r\nContent-Type: multipart/mixed; boundary=\"q\"\r\n\r\n";
    String text = "--q\r\nContent-Type: text/plain\r\n\r\nkeep me\r\n";
    String bin = "--q\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: BINARY\r\n\r\n";
    byte[] payload = {1, 0, (byte) 0xff, '\r', '\n'};
    String tail = "\r\n--q--\r\n";
    byte[] msg = concat(head.getBytes(StandardCharsets.US_ASCII), text.getBytes(StandardCharsets.US_ASCII),
        bin.getBytes(StandardCharsets.US_ASCII), payload, tail.getBytes(StandardCharsets.US_ASCII));
    byte[] stored = BinaryUpload.storable(msg, true);
    assertThat(BinaryDecoder.hasNul(stored, 0, stored.length)).isFalse();
    String s = new String(stored, StandardCharsets.US_ASCII);
    assertThat(s).startsWith(head + text).contains("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAQD/DQo=\r\n")
        .doesNotContain("BINARY").endsWith(tail);
    MimePart p = MimePart.parse(stored).children().get(1);
    assertThat(BinaryDecoder.decode(stored, p.bodyStart(), p.end(), p.encoding())).containsExactly(payload);
  }

  @Test
  void uploadKeepsOrdinaryMessages() {
    byte[] plain = "Subject: x\r\n\r\nbinary is just a word here\r\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(BinaryUpload.storable(plain, true)).isSameAs(plain);
    byte[] declared = "Content-Transfer-Encoding: binary\r\n\r\ntext\r\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(BinaryUpload.storable(declared, false)).isSameAs(declared);
    assertThat(new String(BinaryUpload.storable(declared, true), StandardCharsets.US_ASCII))
        .isEqualTo("Content-Transfer-Encoding: base64\r\n\r\ndGV4dA0K\r\n");
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }
}
