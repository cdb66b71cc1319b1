package dev.postamt.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Archive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retention sweep deletes whole segments whose messages are all past their retention, keeps what a
 * legal hold covers, writes a tombstone, and the chain still verifies afterwards, also after the
 * segment holding a tombstone is itself dropped.
 */
class RetentionSweepTest {
  @TempDir Path dir;

  @Test
  void oldSegmentsGoExceptWhatALegalHoldKeepsAndTheChainStillVerifies() throws Exception {
    JournalFixture j = new JournalFixture(dir, Map.of("short.example", Archive.Retention.parse("1y")));
    Instant day1 = Instant.parse("2020-01-01T10:00:00Z");
    j.now = day1;
    j.message("a@short.example", List.of("x@elsewhere.example"), "day one"); // 1y: the only domain with its own retention
    j.now = day1.plus(Duration.ofDays(1));
    j.message("a@short.example", List.of("legal@held.example"), "day two, held");
    j.now = day1.plus(Duration.ofDays(2));
    j.message("b@elsewhere.example", List.of("y@elsewhere.example"), "day three, ten years");
    j.now = day1.plus(Duration.ofDays(3));
    j.message("a@short.example", List.of("z@elsewhere.example"), "day four, current segment");
    assertThat(j.segments()).hasSize(4);
    try (JournalArchive a = JournalArchive.open(dir)) {
      a.addHold(new LegalHold(LegalHold.target("Held.Example"), j.now, "test", "case 1"));
    }

    RetentionSweep.Result r = RetentionSweep.run(j.writer, j.config, Instant.parse("2022-01-01T00:00:00Z"));
    assertThat(r.segments()).containsExactly("20200101-0001.journal");
    assertThat(r.deleted()).singleElement().asString().contains("Q1ID").contains("<a@short.example>");
    assertThat(r.keptForHold()).isEqualTo(1);
    assertThat(Files.exists(j.segment("20200101-0001.journal"))).isFalse();
    assertThat(subjects()).containsExactly("day two, held", "day three, ten years", "day four, current segment");
    assertIntact(j);

    // nothing more to do on the same day: no empty tombstone
    assertThat(RetentionSweep.run(j.writer, j.config, Instant.parse("2022-01-01T00:00:00Z")).segments()).isEmpty();

    try (JournalArchive a = JournalArchive.open(dir)) {
      assertThat(a.removeHold("held.example")).isTrue();
    }
    assertThat(RetentionSweep.run(j.writer, j.config, Instant.parse("2022-01-02T00:00:00Z")).segments())
        .containsExactly("20200102-0001.journal");
    assertThat(subjects()).containsExactly("day three, ten years", "day four, current segment");
    assertIntact(j);

    // a new day: the segment holding both tombstones is no longer the last, and goes with day three
    j.now = day1.plus(Duration.ofDays(4));
    j.message("c@short.example", List.of("w@elsewhere.example"), "day five");
    r = RetentionSweep.run(j.writer, j.config, Instant.parse("2040-01-01T00:00:00Z"));
    assertThat(r.segments()).containsExactly("20200103-0001.journal", "20200104-0001.journal");
    assertThat(subjects()).containsExactly("day five");
    ArchiveVerifier.Report report = assertIntact(j);
    assertThat(j.segments()).containsExactly("20200105-0001.journal");
    assertThat(report.records()).isEqualTo(2); // day five and the tombstone carrying all four drops
    j.writer.close();
  }

  @Test
  void aSegmentDeletedWithoutATombstoneIsStillFoundAfterASweep() throws Exception {
    JournalFixture j = new JournalFixture(dir, Map.of("short.example", Archive.Retention.parse("1y")));
    j.message("a@short.example", List.of("x@short.example"), "one");
    j.now = j.now.plus(Duration.ofDays(1));
    j.message("a@other.example", List.of("x@other.example"), "two");
    j.now = j.now.plus(Duration.ofDays(1));
    j.message("a@other.example", List.of("x@other.example"), "three");
    RetentionSweep.run(j.writer, j.config, Instant.parse("2022-01-01T00:00:00Z"));
    assertIntact(j);
    j.writer.close();
    Files.delete(j.segment("20200102-0001.journal"));
    assertThat(j.verify().problems()).anyMatch(p -> p.contains("records 2..2 are missing and no tombstone accounts for them"));
  }

  private List<String> subjects() throws Exception {
    try (JournalArchive a = JournalArchive.open(dir)) {
      return a.search(ArchiveQuery.ALL).stream().map(ArchivedMessage::subject).toList();
    }
  }

  private static ArchiveVerifier.Report assertIntact(JournalFixture j) throws Exception {
    ArchiveVerifier.Report r = j.verify();
    assertThat(r.problems()).isEmpty();
    return r;
  }
}
