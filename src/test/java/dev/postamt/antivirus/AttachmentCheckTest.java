package dev.postamt.antivirus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.filter.Authentication;
import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.Symbol;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The attachment rules as symbols of the spam verdict. */
class AttachmentCheckTest {
  private static ScanInput input(String message) {
    return new ScanInput(ScannedMessage.of(message.getBytes(StandardCharsets.ISO_8859_1)), "192.0.2.1", "h.example",
        null, "a@example.org", List.of("b@example.test"), List.of("b@example.test"), Authentication.NONE, Instant.now());
  }

  private static String withAttachment(String filename, byte[] content) {
    return "From: a@example.org\r\nTo: b@example.test\r\nSubject: invoice\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        + "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"" + filename + "\"\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n" + Base64.getMimeEncoder().encodeToString(content) + "\r\n--b--\r\n";
  }

  @Test
  void aDisguisedProgramScoresAsTheRuleSaysWithItsReason() {
    Findings f = new Findings();
    new AttachmentCheck().check(input(withAttachment("invoice.pdf.exe", "MZ\u0090\0\3\0\0\0".getBytes(StandardCharsets.ISO_8859_1))), f);
    Symbol s = f.get("ATTACH_DOUBLE_EXTENSION");
    assertThat(s).isNotNull();
    assertThat(s.score()).isEqualTo(5.0);
    assertThat(s.reason()).contains("invoice.pdf.exe");
  }

  @Test
  void aProgramRenamedToTextIsFoundByItsBytes() {
    byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    Findings f = new Findings();
    new AttachmentCheck().check(input(withAttachment("notes.txt", elf)), f);
    assertThat(f.has("ATTACH_EXECUTABLE_CONTENT")).isTrue();
  }

  @Test
  void plainMailAndHarmlessAttachmentsAddNothing() {
    Findings f = new Findings();
    new AttachmentCheck().check(input("From: a@example.org\r\nSubject: hi\r\n\r\nhello\r\n"), f);
    new AttachmentCheck().check(input(withAttachment("report.pdf", "%PDF-1.4\n%\u00e2\u00e3\n".getBytes(StandardCharsets.ISO_8859_1))), f);
    assertThat(f.all()).isEmpty();
  }
}
