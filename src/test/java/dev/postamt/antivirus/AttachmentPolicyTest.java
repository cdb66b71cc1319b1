package dev.postamt.antivirus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.mime.MimePart;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** The attachment rules on whole messages: names, magic bytes and zip directories, nothing inflated. */
class AttachmentPolicyTest {
  static String message(String filename, byte[] content) {
    return "From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
        + "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
        + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        + "Content-Disposition: attachment; filename=\"" + filename + "\"\r\n\r\n"
        + Base64.getMimeEncoder().encodeToString(content) + "\r\n--b--\r\n";
  }

  static List<String> symbols(String filename, byte[] content) {
    return AttachmentPolicy.check(MimePart.parse(message(filename, content).getBytes(StandardCharsets.UTF_8))).stream()
        .map(AttachmentPolicy.Finding::symbol).toList();
  }

  static final byte[] TEXT = "just text\r\n".getBytes(StandardCharsets.US_ASCII);
  static final byte[] PE = "MZ\u0090\u0000\u0003\u0000\u0000\u0000 rest of a program".getBytes(StandardCharsets.ISO_8859_1);

  @Test
  void harmlessAttachmentsPass() {
    assertThat(symbols("report.pdf", TEXT)).isEmpty();
    assertThat(symbols("notes.v2.txt", TEXT)).isEmpty();
    assertThat(AttachmentPolicy.check(MimePart.parse("Subject: x\r\n\r\nMZ is how this line starts\r\n".getBytes(StandardCharsets.US_ASCII))))
        .isEmpty(); // text that happens to start like a DOS header
  }

  @Test
  void executableNamesAndDoubleExtensions() {
    assertThat(symbols("setup.EXE", TEXT)).containsExactly("ATTACH_EXECUTABLE_NAME");
    assertThat(symbols("invoice.pdf.exe", TEXT)).containsExactly("ATTACH_EXECUTABLE_NAME", "ATTACH_DOUBLE_EXTENSION");
    assertThat(symbols("invoice.pdf      .scr", TEXT)).contains("ATTACH_DOUBLE_EXTENSION");
    assertThat(symbols("run.bat.", TEXT)).containsExactly("ATTACH_EXECUTABLE_NAME");
  }

  @Test
  void aNameHidingBehindARightToLeftOverride() {
    String name = "invoice\u202Efdp.exe"; // shows as "invoiceexe.pdf"
    String m = message("=?UTF-8?B?" + Base64.getEncoder().encodeToString(name.getBytes(StandardCharsets.UTF_8)) + "?=", TEXT);
    List<AttachmentPolicy.Finding> f = AttachmentPolicy.check(MimePart.parse(m.getBytes(StandardCharsets.UTF_8)));
    assertThat(f).extracting(AttachmentPolicy.Finding::symbol).contains("ATTACH_BIDI_NAME", "ATTACH_EXECUTABLE_NAME");
    assertThat(f.getFirst().reason()).contains("<U+202E>");
  }

  @Test
  void anExecutableRenamedTxtIsKnownByItsBytes() {
    assertThat(symbols("readme.txt", PE)).containsExactly("ATTACH_EXECUTABLE_CONTENT");
    assertThat(symbols("x.txt", new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0})).containsExactly("ATTACH_EXECUTABLE_CONTENT");
  }

  static byte[] zip(boolean stored, Object... nameAndContent) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(b)) {
      for (int i = 0; i < nameAndContent.length; i += 2) {
        byte[] data = (byte[]) nameAndContent[i + 1];
        ZipEntry e = new ZipEntry((String) nameAndContent[i]);
        if (stored) {
          e.setMethod(ZipEntry.STORED);
          e.setSize(data.length);
          e.setCompressedSize(data.length);
          java.util.zip.CRC32 crc = new java.util.zip.CRC32();
          crc.update(data);
          e.setCrc(crc.getValue());
        }
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
      }
    }
    return b.toByteArray();
  }

  @Test
  void insideZipArchivesAndAZipInAZip() throws Exception {
    assertThat(symbols("docs.zip", zip(false, "a.txt", TEXT, "b.pdf", TEXT))).isEmpty();
    assertThat(symbols("docs.zip", zip(false, "a.txt", TEXT, "invoice.pdf.exe", PE)))
        .containsExactly("ARCHIVE_EXECUTABLE_NAME", "ATTACH_DOUBLE_EXTENSION", "ARCHIVE_EXECUTABLE_CONTENT");
    byte[] inner = zip(false, "tool.scr", TEXT);
    assertThat(symbols("outer.zip", zip(true, "inner.zip", inner))).containsExactly("ARCHIVE_EXECUTABLE_NAME");
  }

  @Test
  void officeMacrosAndEncryptedEntries() throws Exception {
    assertThat(symbols("budget.xlsm", zip(false, "[Content_Types].xml", TEXT, "xl/vbaProject.bin", TEXT))).containsExactly("OFFICE_MACRO");
    byte[] z = zip(false, "secret.txt", TEXT);
    setFlagBit0(z);
    assertThat(symbols("secret.zip", z)).containsExactly("ARCHIVE_ENCRYPTED");
  }

  @Test
  void aTenGigabyteBombIsCaughtFromItsDirectoryAlone() throws Exception {
    // a real deflate of 64 MiB of zeros (a 10 GB bomb has the same shape, 160 times over), and a ZIP64
    // directory that claims 10 GiB; neither is ever inflated
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(b)) {
      z.putNextEntry(new ZipEntry("zeros.bin"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        z.write(zeros);
      }
      z.closeEntry();
    }
    assertThat(b.size()).isLessThan(200_000);
    assertThat(symbols("big.zip", b.toByteArray())).containsExactly("ARCHIVE_BOMB");
    assertThat(symbols("ten-gb.zip", ArchiveFixtures.zip64Claiming(10L << 30, 10_000_000L))).containsExactly("ARCHIVE_BOMB");
  }

  @Test
  void tooManyEntriesAndBrokenDirectories() throws Exception {
    Object[] many = new Object[2 * (ArchiveBudget.MAX_ENTRIES + 1)];
    for (int i = 0; i < many.length; i += 2) {
      many[i] = "f" + i;
      many[i + 1] = new byte[0];
    }
    assertThat(symbols("many.zip", zip(false, many))).containsExactly("ARCHIVE_BOMB");
    byte[] z = zip(false, "a.txt", TEXT);
    assertThat(symbols("cut.zip", java.util.Arrays.copyOf(z, z.length - 30))).containsExactly("ARCHIVE_UNREADABLE");
  }

  private static void setFlagBit0(byte[] z) {
    for (int i = 0; i + 4 <= z.length; i++) {
      if (z[i] == 'P' && z[i + 1] == 'K' && ((z[i + 2] == 1 && z[i + 3] == 2))) {
        z[i + 8] |= 1;
      }
    }
  }
}
