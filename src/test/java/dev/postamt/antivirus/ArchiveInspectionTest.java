package dev.postamt.antivirus;

import static dev.postamt.antivirus.ArchiveFixtures.gzip;
import static dev.postamt.antivirus.ArchiveFixtures.ole2;
import static dev.postamt.antivirus.ArchiveFixtures.tar;
import static dev.postamt.antivirus.AttachmentPolicyTest.PE;
import static dev.postamt.antivirus.AttachmentPolicyTest.TEXT;
import static dev.postamt.antivirus.AttachmentPolicyTest.symbols;
import static dev.postamt.antivirus.AttachmentPolicyTest.zip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.antivirus.ArchiveFixtures.Ole2Entry;
import dev.postamt.mime.MimePart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** gzip, tar and compound files, nested in each other and in zip, under the archive limits. */
class ArchiveInspectionTest {
  static final byte[] SCRIPT = "#!/bin/sh\nrm -rf ~\n".getBytes(StandardCharsets.US_ASCII);
  /** The class id of a Windows Installer package ({000C1084-0000-0000-C000-000000000046}) as stored. */
  static final byte[] MSI = {(byte) 0x84, 0x10, 0x0C, 0, 0, 0, 0, 0, (byte) 0xC0, 0, 0, 0, 0, 0, 0, 0x46};

  @Test
  void gzipIsLookedInto() throws Exception {
    assertThat(symbols("notes.txt.gz", gzip(TEXT))).isEmpty();
    assertThat(symbols("readme.txt.gz", gzip(PE))).containsExactly("ARCHIVE_EXECUTABLE_CONTENT");
    // no name stored inside (GZIPOutputStream writes none): the attachment's name without .gz is checked
    assertThat(symbols("invoice.pdf.exe.gz", gzip(TEXT))).containsExactly("ARCHIVE_EXECUTABLE_NAME", "ATTACH_DOUBLE_EXTENSION");
  }

  @Test
  void everyGzipMemberCountsAsGunzipWouldJoinThem() throws Exception {
    assertThat(symbols("two.gz", concat(gzip(TEXT), gzip(TEXT)))).isEmpty();
    // a small clean member first, the bomb after it
    assertThat(symbols("late.gz", concat(gzip(TEXT), ArchiveFixtures.gzipBombOfZeros(64)))).containsExactly("ARCHIVE_BOMB");
    // a tar split across two members: its second entry is in the second member
    byte[] t = tar("a.txt", TEXT, "setup.exe", TEXT);
    byte[] split = concat(gzip(java.util.Arrays.copyOf(t, 1024)), gzip(java.util.Arrays.copyOfRange(t, 1024, t.length)));
    assertThat(symbols("split.tgz", split)).containsExactly("ARCHIVE_EXECUTABLE_NAME");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  @Test
  void tarEntriesAreCheckedByNameAndBytes() {
    assertThat(symbols("docs.tar", tar("docs/", null, "docs/a.txt", TEXT, "docs/b.pdf", TEXT))).isEmpty();
    assertThat(symbols("docs.tar", tar("a.txt", TEXT, "setup.exe", TEXT))).containsExactly("ARCHIVE_EXECUTABLE_NAME");
    assertThat(symbols("docs.tar", tar("a.txt", TEXT, "notes.txt", SCRIPT))).containsExactly("ARCHIVE_EXECUTABLE_CONTENT");
    String longName = "d/".repeat(60) + "payload.scr"; // over 100 bytes: a GNU long-name entry first
    assertThat(symbols("deep.tar", tar(longName, TEXT))).containsExactly("ARCHIVE_EXECUTABLE_NAME");
  }

  @Test
  void tarGzAndTgzAndNestingBothWays() throws Exception {
    byte[] tgz = gzip(tar("a.txt", TEXT, "x/tool.txt", PE));
    assertThat(symbols("backup.tar.gz", tgz)).containsExactly("ARCHIVE_EXECUTABLE_CONTENT");
    assertThat(symbols("backup.tgz", tgz)).containsExactly("ARCHIVE_EXECUTABLE_CONTENT");
    // a zip in a tar.gz, and a tar.gz in a (deflated) zip
    assertThat(symbols("a.tgz", gzip(tar("inner.zip", zip(false, "run.bat", TEXT))))).containsExactly("ARCHIVE_EXECUTABLE_NAME");
    assertThat(symbols("a.zip", zip(false, "inner.tar.gz", gzip(tar("ok.txt", TEXT, "elf.dat", new byte[] {0x7f, 'E', 'L', 'F', 2, 1})))))
        .containsExactly("ARCHIVE_EXECUTABLE_CONTENT");
    // a compressed zip inside a zip is looked into now (it is inflated, under the limits)
    assertThat(symbols("outer.zip", zip(false, "inner.zip", zip(false, "hidden.txt", PE)))).containsExactly("ARCHIVE_EXECUTABLE_CONTENT");
    assertThat(symbols("clean.tgz", gzip(tar("a.txt", TEXT, "b.pdf", TEXT, "c.zip", zip(false, "d.txt", TEXT))))).isEmpty();
  }

  @Test
  void archivesNestedTooDeepAreABomb() throws Exception {
    byte[] z = zip(false, "a.txt", TEXT);
    for (int i = 0; i < ArchiveBudget.MAX_DEPTH; i++) {
      assertThat(symbols("nest.zip", z)).as("depth %d", i).isEmpty();
      z = zip(false, "level" + i + ".zip", z);
    }
    assertThat(symbols("nest.zip", z)).containsExactly("ARCHIVE_BOMB");
  }

  @Test
  void aTenGigabyteGzipBombStopsAfterAboutOneMebibyte() {
    byte[] bomb = ArchiveFixtures.gzipBombOfZeros(10 * 1024); // 10 GiB of zeros in about 10 MB
    assertThat(bomb.length).isLessThan(12 << 20);
    List<AttachmentPolicy.Finding> out = new ArrayList<>();
    ContentInspector inspector = new ContentInspector(out);
    inspector.attachment(new ByteArrayInputStream(bomb), "zeros.gz", "\"zeros.gz\"");
    assertThat(out).extracting(AttachmentPolicy.Finding::symbol).containsExactly("ARCHIVE_BOMB");
    assertThat(out.getFirst().reason()).contains("grows more than 200 times");
    assertThat(inspector.inflated()).isGreaterThan(ArchiveBudget.RATIO_FLOOR).isLessThan(2 * ArchiveBudget.RATIO_FLOOR);
    // the same inside a message, and inside a tar inside that gzip
    assertThat(symbols("zeros.gz", ArchiveFixtures.gzipBombOfZeros(64))).containsExactly("ARCHIVE_BOMB");
  }

  @Test
  void aZipEntryThatInflatesPastItsDeclaredSizeIsABomb() throws Exception {
    byte[] z = zip(false, "small.txt", new byte[100_000]);
    int lied = 0;
    for (int i = 0; i + 46 <= z.length; i++) { // the central directory's uncompressed size: 1 000 bytes
      if (z[i] == 'P' && z[i + 1] == 'K' && z[i + 2] == 1 && z[i + 3] == 2) {
        z[i + 24] = (byte) 0xE8;
        z[i + 25] = 0x03;
        z[i + 26] = 0;
        z[i + 27] = 0;
        lied++;
      }
    }
    assertThat(lied).isEqualTo(1);
    assertThat(symbols("liar.zip", z)).containsExactly("ARCHIVE_BOMB");
  }

  @Test
  void tooManyEntriesAcrossNestedArchivesShareOneBudget() throws Exception {
    Object[] half = new Object[2 * (ArchiveBudget.MAX_ENTRIES / 2 + 1)];
    for (int i = 0; i < half.length; i += 2) {
      half[i] = "f" + i;
      half[i + 1] = new byte[0];
    }
    byte[] one = zip(false, half);
    assertThat(symbols("one.zip", one)).isEmpty();
    assertThat(symbols("two.tgz", gzip(tar("a.zip", one, "b.zip", one)))).containsExactly("ARCHIVE_BOMB");
  }

  @Test
  void legacyOfficeMacrosAreFoundInTheCompoundFileDirectory() throws Exception {
    byte[] plainDoc = ole2(null, new Ole2Entry("WordDocument", 2, null), new Ole2Entry("1Table", 2, null));
    byte[] macroDoc = ole2(null, new Ole2Entry("WordDocument", 2, null), new Ole2Entry("Macros", 1, null),
        new Ole2Entry("VBA", 1, null));
    byte[] macroXls = ole2(null, new Ole2Entry("Workbook", 2, null), new Ole2Entry("_VBA_PROJECT_CUR", 1, null));
    assertThat(symbols("letter.doc", plainDoc)).isEmpty();
    assertThat(symbols("letter.doc", macroDoc)).containsExactly("OFFICE_MACRO");
    assertThat(symbols("sheet.xls", macroXls)).containsExactly("OFFICE_MACRO");
    assertThat(symbols("docs.zip", zip(false, "letter.doc", macroDoc))).containsExactly("OFFICE_MACRO");
    byte[] encrypted = ole2(null, new Ole2Entry("EncryptionInfo", 2, null), new Ole2Entry("EncryptedPackage", 2, null));
    assertThat(symbols("secret.docx", encrypted)).containsExactly("ARCHIVE_ENCRYPTED");
    assertThat(symbols("readme.txt", ole2(MSI, new Ole2Entry("x", 2, null)))).containsExactly("ATTACH_EXECUTABLE_CONTENT");
  }

  @Test
  void ooxmlMacrosByContentAndByName() throws Exception {
    byte[] docm = zip(false, "[Content_Types].xml", TEXT, "word/document.xml", TEXT, "word/vbaProject.bin", macroBin());
    assertThat(symbols("report.docx", docm)).containsExactly("OFFICE_MACRO");
    assertThat(symbols("report.docm", zip(false, "[Content_Types].xml", TEXT))).containsExactly("OFFICE_MACRO");
    assertThat(symbols("report.docx", zip(false, "[Content_Types].xml", TEXT, "word/document.xml", TEXT))).isEmpty();
  }

  private static byte[] macroBin() {
    return ole2(null, new Ole2Entry("VBA", 1, null), new Ole2Entry("_VBA_PROJECT", 2, null));
  }

  @Test
  void aDamagedCompoundFileIsUnreadableNotPassed() {
    byte[] doc = ole2(null, new Ole2Entry("WordDocument", 2, null));
    doc[512 + 4] = 1; // the directory sector's FAT entry points at itself: a loop
    doc[512 + 5] = 0;
    doc[512 + 6] = 0;
    doc[512 + 7] = 0;
    assertThat(symbols("loop.doc", doc)).containsExactly("ARCHIVE_UNREADABLE");
    byte[] cut = ole2(null);
    cut[0x30] = 50; // the directory starts past the end
    assertThat(symbols("cut.doc", cut)).containsExactly("ARCHIVE_UNREADABLE");
  }

  @Test
  void theBytesDecideWhateverTheName() {
    assertThat(symbols("notes.txt", SCRIPT)).containsExactly("ATTACH_EXECUTABLE_CONTENT");
    byte[] lnk = new byte[76];
    System.arraycopy(new byte[] {0x4C, 0, 0, 0, 0x01, 0x14, 0x02, 0, 0, 0, 0, 0, (byte) 0xC0, 0, 0, 0, 0, 0, 0, 0x46}, 0, lnk, 0, 20);
    assertThat(symbols("photo.jpg", lnk)).containsExactly("ATTACH_EXECUTABLE_CONTENT");
    assertThat(symbols("page.html", "<html><head><HTA:APPLICATION ID=x></head></html>".getBytes(StandardCharsets.US_ASCII)))
        .containsExactly("ATTACH_EXECUTABLE_CONTENT");
    assertThat(symbols("page.html", "<html><body>hello</body></html>".getBytes(StandardCharsets.US_ASCII))).isEmpty();
    assertThat(symbols("a.txt", new byte[] {(byte) 0xcf, (byte) 0xfa, (byte) 0xed, (byte) 0xfe, 7, 0, 0, 1})).containsExactly("ATTACH_EXECUTABLE_CONTENT");
    assertThat(symbols("a.txt", "#!notashebang".getBytes(StandardCharsets.US_ASCII))).isEmpty();
  }

  @Test
  void sevenZipAndRarAreNamedNotOpened() {
    assertThat(symbols("a.7z", new byte[] {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C, 0, 4})).containsExactly("ARCHIVE_UNSUPPORTED");
    assertThat(symbols("a.bin", new byte[] {'R', 'a', 'r', '!', 0x1A, 0x07, 1, 0})).containsExactly("ARCHIVE_UNSUPPORTED");
  }

  @Test
  void damagedGzipAndTarAreUnreadable() throws Exception {
    byte[] gz = gzip(new byte[200_000]);
    assertThat(symbols("cut.gz", java.util.Arrays.copyOf(gz, gz.length / 2 + 10))).containsExactly("ARCHIVE_UNREADABLE");
    byte[] t = tar("a.txt", new byte[3000]);
    assertThat(symbols("cut.tar", java.util.Arrays.copyOf(t, 1024))).containsExactly("ARCHIVE_UNREADABLE");
  }

  @Test
  void aClean20MegabyteAttachmentAndArchivePass() throws Exception {
    byte[] noise = new byte[20 << 20];
    new Random(18).nextBytes(noise);
    assertThat(symbols("data.bin", noise)).isEmpty();
    assertThat(symbols("data.tgz", gzip(tar("data.bin", noise, "notes.txt", TEXT)))).isEmpty();
    assertThat(AttachmentPolicy.check(MimePart.parse(AttachmentPolicyTest.message("x.pdf", noise).getBytes(StandardCharsets.ISO_8859_1))))
        .isEmpty();
  }
}
