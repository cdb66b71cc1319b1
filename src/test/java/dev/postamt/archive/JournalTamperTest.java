package dev.postamt.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code archive verify} passes on an intact journal and finds every kind of tampering: a changed
 * byte, a removed record, records swapped, a segment cut short or cut at a record boundary, a segment
 * deleted; and a torn record a crash left at the end is cut when the journal opens again.
 */
class JournalTamperTest {
  @TempDir Path dir;
  JournalFixture j;
  List<ArchivedMessage> messages;
  String segment;

  @BeforeEach
  void threeMessages() throws Exception {
    j = new JournalFixture(dir, Map.of());
    j.message("a@one.example", List.of("b@two.example"), "first");
    j.message("a@one.example", List.of("c@two.example"), "second");
    j.message("a@one.example", List.of("d@two.example"), "third");
    j.writer.close();
    try (JournalArchive a = JournalArchive.open(dir)) {
      messages = a.search(ArchiveQuery.ALL);
    }
    assertThat(messages).extracting(ArchivedMessage::subject).containsExactly("first", "second", "third");
    segment = messages.getFirst().segment();
    assertThat(messages).allMatch(m -> m.segment().equals(segment));
  }

  byte[] bytes() throws Exception {
    return Files.readAllBytes(j.segment(segment));
  }

  void write(byte[] b) throws Exception {
    Files.write(j.segment(segment), b);
  }

  /** The bytes of the file without [from, to). */
  static byte[] cut(byte[] b, long from, long to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b, 0, (int) from);
    out.write(b, (int) to, b.length - (int) to);
    return out.toByteArray();
  }

  @Test
  void anIntactJournalVerifies() throws Exception {
    ArchiveVerifier.Report r = j.verify();
    assertThat(r.problems()).isEmpty();
    assertThat(r.records()).isEqualTo(3);
    assertThat(r.headSeq()).isEqualTo(3);
    assertThat(r.headHash()).matches("[0-9a-f]{64}");
  }

  @Test
  void aChangedByteInAMessageIsFoundAndNamed() throws Exception {
    byte[] b = bytes();
    String text = new String(b, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("body of Q2ID");
    b[at] = 'B';
    write(b);
    assertThat(j.verify().problems()).singleElement().asString()
        .contains("segment " + segment).contains("record at byte " + messages.get(1).offset()).contains("seq 2")
        .contains("modified");
  }

  @Test
  void aChangedEnvelopeIsFoundToo() throws Exception {
    byte[] b = bytes();
    String text = new String(b, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("rcpt: c@two.example");
    b[at + 6] = 'x';
    write(b);
    assertThat(j.verify().problems()).singleElement().asString().contains("seq 2").contains("modified");
  }

  @Test
  void aRemovedRecordBreaksTheChainAtTheNextOne() throws Exception {
    write(cut(bytes(), messages.get(1).offset(), messages.get(2).offset()));
    assertThat(j.verify().problems()).singleElement().asString()
        .contains("segment " + segment).contains("seq 3").contains("does not follow seq 1");
  }

  @Test
  void swappedRecordsAreFound() throws Exception {
    byte[] b = bytes();
    long o2 = messages.get(1).offset(), o3 = messages.get(2).offset();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b, 0, (int) o2);
    out.write(b, (int) o3, b.length - (int) o3);
    out.write(b, (int) o2, (int) (o3 - o2));
    write(out.toByteArray());
    assertThat(j.verify().problems()).isNotEmpty().first().asString().contains("seq 3").contains("does not follow seq 1");
  }

  @Test
  void aSegmentCutInARecordIsFound() throws Exception {
    byte[] b = bytes();
    write(java.util.Arrays.copyOf(b, (int) messages.get(2).offset() + 40));
    assertThat(j.verify().problems()).singleElement().asString()
        .contains("segment " + segment).contains("record at byte " + messages.get(2).offset()).contains("truncated");
  }

  @Test
  void aSegmentCutAtARecordBoundaryIsFoundThroughTheIndex() throws Exception {
    write(java.util.Arrays.copyOf(bytes(), (int) messages.get(2).offset()));
    assertThat(j.verify().problems()).singleElement().asString()
        .contains("ends at seq 2").contains("up to seq 3").contains("cut off the end");
  }

  @Test
  void aDeletedSegmentIsFound() throws Exception {
    j.now = j.now.plus(java.time.Duration.ofDays(1));
    j.reopen();
    j.message("a@one.example", List.of("e@two.example"), "fourth");
    j.writer.close();
    Files.delete(j.segment(segment));
    assertThat(j.verify().problems())
        .anyMatch(p -> p.contains("records 1..3 are missing and no tombstone accounts for them"))
        .anyMatch(p -> p.contains("segment " + segment + ": missing, but the index knows records in it"));
  }

  @Test
  void aTornRecordLeftByACrashIsCutAtOpenAndTheChainGoesOn() throws Exception {
    byte[] b = bytes();
    // the first 100 bytes of another record: what a crash mid-append leaves (never acknowledged)
    Files.write(j.segment(segment), java.util.Arrays.copyOf(b, 100), StandardOpenOption.APPEND);
    assertThat(j.verify().problems()).isEmpty(); // beyond the last indexed record: only a note
    assertThat(j.verify().notes()).singleElement().asString().contains("truncated");
    j.reopen();
    j.message("a@one.example", List.of("e@two.example"), "fourth");
    j.writer.close();
    ArchiveVerifier.Report r = j.verify();
    assertThat(r.problems()).isEmpty();
    assertThat(r.notes()).isEmpty();
    assertThat(r.records()).isEqualTo(4);
  }

  @Test
  void anIndexLostIsRebuiltFromTheSegments() throws Exception {
    for (String f : List.of("index.db", "index.db-wal", "index.db-shm")) {
      Files.deleteIfExists(dir.resolve(f));
    }
    j.reopen();
    j.writer.close();
    try (JournalArchive a = JournalArchive.open(dir)) {
      assertThat(a.search(ArchiveQuery.ALL)).isEqualTo(messages);
    }
  }
}
