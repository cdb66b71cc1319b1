package dev.postamt.antivirus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.antivirus.ArchiveFixtures.Ole2Entry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every parser on damaged input: valid zip, gzip, tar and compound files with bytes overwritten and
 * cut short at random (a fixed seed, so a failure repeats). Each must end in findings, never in an
 * exception, a hang or a read past its limits; a damaged structure is reported, not passed.
 */
class DamagedArchivesTest {
  @Test
  void mutatedArchivesGiveFindingsNeverExceptions() throws Exception {
    byte[] text = "some text\r\n".repeat(50).getBytes(StandardCharsets.US_ASCII);
    List<byte[]> seeds = List.of(
        AttachmentPolicyTest.zip(false, "a.txt", text, "b/c.doc", ArchiveFixtures.ole2(null, new Ole2Entry("Macros", 1, null))),
        AttachmentPolicyTest.zip(true, "inner.zip", AttachmentPolicyTest.zip(false, "x.txt", text)),
        ArchiveFixtures.gzip(ArchiveFixtures.tar("d/", null, "d/a.txt", text, "d/b.zip", AttachmentPolicyTest.zip(false, "e.txt", text))),
        ArchiveFixtures.tar("a.txt", text, "b.txt", text),
        ArchiveFixtures.ole2(null, new Ole2Entry("WordDocument", 2, null), new Ole2Entry("VBA", 1, null)));
    Random random = new Random(18_2026);
    int unreadable = 0;
    int runs = 0;
    for (byte[] seed : seeds) {
      for (int i = 0; i < 400; i++) {
        byte[] b = seed.clone();
        int flips = 1 + random.nextInt(8);
        for (int f = 0; f < flips; f++) {
          b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        if (random.nextInt(4) == 0) {
          b = java.util.Arrays.copyOf(b, Math.max(4, random.nextInt(b.length)));
        }
        b[0] = seed[0]; // keep the kind recognisable, so the parser behind it runs
        b[1] = seed[1];
        List<AttachmentPolicy.Finding> out = new ArrayList<>();
        ContentInspector inspector = new ContentInspector(out);
        inspector.attachment(new ByteArrayInputStream(b), "x.bin", "\"x.bin\"");
        assertThat(out).allSatisfy(f -> assertThat(AttachmentSymbol.valueOf(f.symbol())).isNotNull());
        assertThat(out).noneMatch(f -> f.reason().contains("could not be parsed")); // no RuntimeException inside
        assertThat(inspector.inflated()).isLessThanOrEqualTo(ArchiveBudget.MAX_TOTAL);
        unreadable += out.stream().anyMatch(f -> f.symbol().equals("ARCHIVE_UNREADABLE")) ? 1 : 0;
        runs++;
      }
    }
    assertThat(unreadable).as("damage is noticed in some of %d runs", runs).isGreaterThan(runs / 10);
  }
}
