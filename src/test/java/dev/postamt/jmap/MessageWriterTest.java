package dev.postamt.jmap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MimePart;
import dev.postamt.mime.TransferDecoding;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The message writer: its output parsed back with our MIME reader gives what went in. */
class MessageWriterTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "Plain subject",
    "Grüße aus Bern",
    "日本語のとても長い件名は複数のエンコードされた単語に分割されなければなりません",
    "a line that is long enough to need folding somewhere in the middle of it, surely, yes indeed",
  })
  void textInFieldsDecodesBack(String text) {
    StringBuilder b = new StringBuilder();
    MessageWriter.fold(b, "Subject", MessageWriter.text(text));
    for (String line : b.toString().split("\r\n")) {
      assertThat(line.length()).isLessThanOrEqualTo(78 + 20); // an encoded word is never split
    }
    String value = HeaderText.unfold(b.substring("Subject:".length(), b.length() - 2));
    assertThat(HeaderText.decode(value).strip()).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "plain ascii line",
    "'trailing space '",
    "équipe = team",
    "x",
  })
  void quotedPrintableDecodesBack(String text) throws Exception {
    String line = text.repeat(text.length() < 5 ? 100 : 1) + "\r\n";
    byte[] qp = MessageWriter.quotedPrintable(line.getBytes(StandardCharsets.UTF_8));
    for (String l : new String(qp, StandardCharsets.US_ASCII).split("\r\n")) {
      assertThat(l.length()).isLessThanOrEqualTo(76);
      assertThat(l).doesNotEndWith(" ");
    }
    byte[] back = TransferDecoding.decode(new java.io.ByteArrayInputStream(qp), "quoted-printable").readAllBytes();
    assertThat(new String(back, StandardCharsets.UTF_8)).isEqualTo(line);
  }

  @Test
  void aMultipartMessageParsesIntoItsParts() throws Exception {
    byte[] m = MessageWriter.write(
        List.of(new MessageWriter.Field("From", MessageWriter.addresses(List.of(Map.of("name", "A, B", "email", "ab@x.test"))))),
        new MessageWriter.Multipart(List.of(), "mixed", List.of(
            new MessageWriter.Leaf(List.of(), "text/plain; charset=\"utf-8\"", "Grüße\nzwei".getBytes(StandardCharsets.UTF_8)),
            new MessageWriter.Leaf(List.of(new MessageWriter.Field("Content-Disposition", "attachment")),
                "application/octet-stream", new byte[] {0, 1, 2, (byte) 255}))));
    String text = new String(m, StandardCharsets.ISO_8859_1);
    assertThat(text).startsWith("From: \"A, B\" <ab@x.test>\r\nMIME-Version: 1.0\r\n").doesNotContain("\n\n");
    MimePart root = MimePart.parse(m);
    assertThat(root.children()).hasSize(2);
    assertThat(new String(TransferDecoding.decoded(root.children().get(0)).readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("Grüße\r\nzwei");
    assertThat(TransferDecoding.decoded(root.children().get(1)).readAllBytes()).containsExactly(0, 1, 2, 255);
  }
}
