package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.antivirus.ArchiveFixtures;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code antivirus.block_attachments} without clamd: forbidden attachments refused at the end of DATA. */
class SmtpAttachmentPolicyTest {
  @TempDir static Path dir;
  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    java.nio.file.Files.writeString(dir.resolve("zone.txt"), "remote.example. MX 10 nohost.remote.example.\n"); // the default [policy] refuses unknown sender domains
    t = TestServer.start(dir, "[relay]\nnetworks = []\n[antivirus]\nblock_attachments = true\n");
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  static String send(String subject, String filename, byte[] content) throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<x@remote.example>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("Subject: " + subject + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
          + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
          + "Content-Disposition: attachment; filename=\"" + filename + "\"\r\n\r\n"
          + Base64.getMimeEncoder().encodeToString(content) + "\r\n--b--\r\n.\r\n");
      return s.read().getLast();
    }
  }

  @Test
  void aDoubleExtensionIsRefusedAndAPdfPasses() throws Exception {
    assertThat(send("lure", "invoice.pdf.exe", "x".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("554 5.7.0 Forbidden attachment: attachment \"invoice.pdf.exe\" is an executable (.exe)");
    assertThat(send("fine", "invoice.pdf", "%PDF-1.7".getBytes(StandardCharsets.US_ASCII))).startsWith("250 2.0.0 ");
    String m = t.awaitMessageContaining("bob@example.test", "Subject: fine");
    assertThat(m).doesNotContain("X-Virus-Scanned"); // no clamd configured: nothing claims a scan
    assertThat(t.messages("bob@example.test")).hasSize(1);
  }

  @Test
  void anExecutableRenamedTxtIsRefused() throws Exception {
    byte[] pe = "MZ\u0090\u0000\u0003\u0000\u0000\u0000\u0004\u0000".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(send("renamed", "notes.txt", pe))
        .isEqualTo("554 5.7.0 Forbidden attachment: \"notes.txt\" is a Windows executable (MZ) (by its bytes)");
  }

  @Test
  void tenGigabyteBombsAreRefusedWithoutUnpackingThem() throws Exception {
    // a zip whose directory claims 10 GiB, and a gzip that really inflates to 10 GiB of zeros (10 MB)
    assertThat(send("bomb", "big.zip", ArchiveFixtures.zip64Claiming(10L << 30, 10_000_000L)))
        .isEqualTo("554 5.7.0 Forbidden attachment: \"big.zip\": \"zeros.bin\" claims to grow from 10000000 to 10737418240 bytes");
    assertThat(send("bomb", "zeros.gz", ArchiveFixtures.gzipBombOfZeros(10 * 1024)))
        .startsWith("554 5.7.0 Forbidden attachment: \"zeros.gz\" / \"zeros\" grows more than 200 times");
  }

  @Test
  void aMacroDocumentInATarGzIsRefused() throws Exception {
    byte[] doc = ArchiveFixtures.ole2(null, new ArchiveFixtures.Ole2Entry("WordDocument", 2, null),
        new ArchiveFixtures.Ole2Entry("Macros", 1, null));
    byte[] tgz = ArchiveFixtures.gzip(ArchiveFixtures.tar("letters/", null, "letters/offer.doc", doc));
    assertThat(send("macro", "letters.tgz", tgz)).isEqualTo(
        "554 5.7.0 Forbidden attachment: \"letters.tgz\" / \"letters.tar\" / \"letters/offer.doc\" is an Office document with macros (the Macros storage)");
  }
}
