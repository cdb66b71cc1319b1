package dev.postamt.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code postamt archive verify}: reads every segment, checks each record's own {@code sha256}, that
 * each record's {@code prev} is the hash of the one before it and its {@code seq} one more, that every
 * gap between segments (segments dropped after their retention) is accounted for, hash to hash, by a
 * tombstone, and that the journal reaches the last record the index knows (so cutting records off the
 * end is seen too). See docs/archive.md, "Verifying".
 */
public final class ArchiveVerifier {
  private ArchiveVerifier() {}

  /**
   * What verify found.
   *
   * @param problems each names the segment and the record; empty when the journal is intact
   * @param headSeq, headHash the last record: write them down, a later verify shows the journal grew from them
   */
  public record Report(List<String> problems, List<String> notes, int segments, long records, long headSeq, String headHash) {
    public boolean intact() {
      return problems.isEmpty();
    }
  }

  /** What one segment held, as far as it could be read. */
  private record SegmentSummary(String name, long firstSeq, String firstPrev, long lastSeq, String lastHash, long records) {}

  public static Report verify(Path archiveDir) throws IOException {
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Path dir = Segments.dirOf(archiveDir);
    List<String> names = Segments.list(dir);
    Optional<ArchiveIndex.Head> head = Optional.empty();
    Set<String> indexedSegments = new TreeSet<>();
    if (Files.exists(archiveDir.resolve("index.db"))) {
      try (ArchiveIndex index = ArchiveIndex.open(archiveDir.resolve("index.db"))) {
        head = index.head();
        index.segments().forEach(s -> indexedSegments.add(s.name()));
      }
    }
    List<SegmentSummary> summaries = new ArrayList<>();
    Map<String, JournalRecord.Dropped> dropped = new LinkedHashMap<>();
    long records = 0;
    Set<String> damaged = new TreeSet<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      long firstSeq = -1, lastSeq = -1, count = 0;
      String firstPrev = null, lastHash = null;
      try (SegmentReader r = new SegmentReader(dir.resolve(name), 0)) {
        while (true) {
          JournalRecord rec;
          try {
            rec = r.next(null);
          } catch (JournalDamage d) {
            if (d.readable() != null) {
              problems.add(d.getMessage());
              damaged.add(name);
              rec = d.readable(); // the chain goes on from the hash it states: one change, one problem
            } else {
              boolean lastSegment = i == names.size() - 1;
              if (lastSegment && head.isPresent() && lastSeq >= head.get().seq()) {
                notes.add(d.getMessage() + " (after the last indexed record: a record being written, or one a crash cut"
                    + " before it was acknowledged)");
              } else {
                problems.add(d.getMessage() + (lastSeq >= 0 ? " (after seq " + lastSeq + ")" : ""));
                damaged.add(name);
              }
              break;
            }
          }
          if (rec == null) {
            break;
          }
          if (count == 0) {
            firstSeq = rec.seq();
            firstPrev = rec.prev();
          } else if (rec.seq() != lastSeq + 1 || !rec.prev().equals(lastHash)) {
            problems.add("segment " + name + ", record seq " + rec.seq() + " at byte " + rec.offset()
                + ": does not follow seq " + lastSeq + " (" + (rec.seq() != lastSeq + 1 ? "seq jumps" : "prev is not its hash")
                + "): a record was removed, inserted or reordered");
          }
          if (head.isPresent() && rec.seq() == head.get().seq() && !rec.hash().equals(head.get().hash())) {
            problems.add("segment " + name + ", record seq " + rec.seq() + ": its hash differs from the one indexed when it"
                + " was written (the record was rewritten)");
          }
          if (rec.type().equals(JournalRecord.TOMBSTONE)) {
            try {
              rec.dropped().forEach(d -> dropped.put(d.prevIn(), d));
            } catch (IllegalArgumentException e) {
              problems.add("segment " + name + ", record seq " + rec.seq() + ": bad tombstone: " + e.getMessage());
            }
          }
          lastSeq = rec.seq();
          lastHash = rec.hash();
          count++;
          records++;
        }
      }
      if (count > 0) {
        summaries.add(new SegmentSummary(name, firstSeq, firstPrev, lastSeq, lastHash, count));
      } else if (i != names.size() - 1) {
        problems.add("segment " + name + ": holds no record");
      }
    }
    // the chain across segments, from the genesis to the last one, bridged by tombstones where segments were dropped
    long seq = 0;
    String hash = JournalRecord.GENESIS;
    String after = "the start of the journal";
    for (SegmentSummary s : summaries) {
      String h = hash;
      long q = seq;
      Set<String> seen = new TreeSet<>();
      while (!(h.equals(s.firstPrev()) && q + 1 == s.firstSeq())) {
        JournalRecord.Dropped d = dropped.get(h);
        if (d == null || d.firstSeq() != q + 1 || !seen.add(d.segment())) {
          problems.add("segment " + s.name() + ", first record seq " + s.firstSeq() + ": does not continue " + after
              + " (seq " + seq + (q != seq ? ", tombstones account up to seq " + q : "") + "): records " + (q + 1) + ".."
              + (s.firstSeq() - 1)
              + " are missing and no tombstone accounts for them");
          break;
        }
        h = d.lastHash();
        q = d.lastSeq();
      }
      seq = s.lastSeq();
      hash = s.lastHash();
      after = "segment " + s.name();
    }
    for (String indexed : indexedSegments) {
      if (!names.contains(indexed) && dropped.values().stream().noneMatch(d -> d.segment().equals(indexed))) {
        problems.add("segment " + indexed + ": missing, but the index knows records in it");
      }
    }
    if (head.isPresent() && head.get().seq() > seq && !damaged.contains(head.get().segment())) {
      problems.add("segment " + head.get().segment() + ": the journal ends at seq " + seq + " but the index knows records"
          + " up to seq " + head.get().seq() + ": records were cut off the end");
    }
    return new Report(List.copyOf(problems), List.copyOf(notes), names.size(), records, seq, hash);
  }
}
