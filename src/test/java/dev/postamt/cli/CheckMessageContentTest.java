package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.Clamd;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postamt check message FILE} also prints the antivirus and attachment verdict (issue 18 item 5). */
class CheckMessageContentTest {
  @TempDir Path dir;

  private List<String> check(String antivirus, String message) throws Exception {
    Files.writeString(dir.resolve("zone.txt"), "");
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(cfg, "hostname = \"mx.receiver.test\"\ndata_dir = \"data\"\n[dns]\nzone_file = \"zone.txt\"\n[antivirus]\n" + antivirus);
    Path file = dir.resolve("m.eml");
    Files.writeString(file, message, java.nio.charset.StandardCharsets.ISO_8859_1);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true),
        "check", "message", file.toString(), "--ip", "192.0.2.1", "--mail-from", "a@example.org", "--helo", "x.example.org",
        "--config", cfg.toString());
    assertThat(status).as(err.toString()).isZero();
    return out.toString().lines().toList();
  }

  static String withAttachment(String filename) {
    return "From: a@example.org\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
        + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        + "Content-Disposition: attachment; filename=\"" + filename + "\"\r\n\r\n"
        + Base64.getEncoder().encodeToString("data".getBytes()) + "\r\n--b--\r\n";
  }

  @Test
  void attachmentRulesAreListedWithTheAction() throws Exception {
    List<String> lines = check("block_attachments = true\naction = \"quarantine\"\n", withAttachment("invoice.pdf.exe"));
    assertThat(lines).contains(
        "antivirus: off (antivirus.clamd is empty)",
        "attachment: ATTACH_EXECUTABLE_NAME: attachment \"invoice.pdf.exe\" is an executable (.exe)",
        "attachment: ATTACH_DOUBLE_EXTENSION: attachment \"invoice.pdf.exe\" poses as .pdf but is .exe",
        "content action: quarantine (authenticated submissions: reject)");
    assertThat(lines.getFirst()).startsWith("Authentication-Results: ");

    assertThat(check("", withAttachment("invoice.pdf.exe")))
        .contains("attachment: not enforced (antivirus.block_attachments = false)", "content action: deliver");
    assertThat(check("block_attachments = true\n", withAttachment("invoice.pdf")))
        .contains("attachment: no rule matches", "content action: deliver");
  }

  @Test
  void clamdsVerdictIsShown() throws Exception {
    try (Clamd clamd = Clamd.start(Files.createDirectories(dir.resolve("clamd")), true, "10M")) {
      List<String> lines = check("clamd = \"" + clamd.unix() + "\"\nmax_size = \"10M\"\n", "Subject: x\r\n\r\n" + Clamd.EICAR + "\r\n");
      assertThat(lines).anyMatch(l -> l.matches("antivirus: virus Postamt\\.Test\\.Eicar\\S* in message \\(clamd ClamAV .*\\)"))
          .contains("content action: reject (authenticated submissions: reject)");
      assertThat(check("clamd = \"" + clamd.tcp() + "\"\nmax_size = \"10M\"\n", "Subject: x\r\n\r\nhello\r\n"))
          .anyMatch(l -> l.startsWith("antivirus: clean (clamd ClamAV ")).contains("content action: deliver");
    }
  }
}
