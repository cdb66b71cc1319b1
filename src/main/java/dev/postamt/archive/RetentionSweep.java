package dev.postamt.archive;

import dev.postamt.config.Archive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what the journal no longer has to keep: once when the server starts, then daily. The unit of
 * deletion is the segment, so the records that stay are never rewritten: a segment goes when every
 * message in it is past its retention ({@link Archive#retentionFor}, read from the config at each run)
 * and no {@link LegalHold} covers any of them; the segment being appended to always stays.
 *
 * <p>Before any file is deleted, a tombstone record is appended (and fsync'd) naming each dropped
 * segment with its first and last seq, the hash its first record continued and the hash of its last
 * record, so {@link ArchiveVerifier} can bridge the gap hash to hash; its data lists every message
 * deleted. Tombstones inside a dropped segment are carried forward into the new one. A crash between
 * the tombstone and the deletion leaves a segment the next sweep drops again.
 */
public final class RetentionSweep implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetentionSweep.class);
  static final Duration PERIOD = Duration.ofDays(1);

  private final ScheduledExecutorService timer;

  private RetentionSweep(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /**
   * What one sweep deleted.
   *
   * @param deleted one line per message deleted: seq, time, queue id, sender, recipients, Message-ID
   */
  public record Result(List<String> segments, List<String> deleted, int keptForHold) {}

  /** Runs now (in the background) and then daily until {@link #close}, with the retention {@code config} gives at each run. */
  public static RetentionSweep start(JournalWriter journal, Supplier<Archive> config) {
    ScheduledExecutorService t =
        Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("archive-sweep").unstarted(r));
    t.scheduleAtFixedRate(() -> {
      try {
        run(journal, config.get(), journal.clock().instant());
      } catch (IOException | RuntimeException e) {
        log.warn("archive: retention sweep failed, tried again in a day: {}", e.toString());
      }
    }, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    return new RetentionSweep(t);
  }

  /** One sweep at {@code now}. */
  public static synchronized Result run(JournalWriter journal, Archive config, Instant now) throws IOException {
    ArchiveIndex index = journal.index();
    List<LegalHold> holds = index.holds();
    List<ArchiveIndex.Segment> all = index.segments();
    String current = journal.currentSegment();
    List<ArchiveIndex.Segment> drop = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    int keptForHold = 0;
    for (int i = 0; i < all.size() - 1; i++) { // never the last: the chain continues from it
      ArchiveIndex.Segment s = all.get(i);
      if (s.name().equals(current)) {
        continue;
      }
      List<ArchivedMessage> msgs = index.messagesOf(s.name());
      boolean expired = msgs.stream().allMatch(m -> !config.retentionFor(m.domains()).after(m.time()).isAfter(now));
      if (!expired) {
        continue;
      }
      long held = msgs.stream().filter(m -> holds.stream().anyMatch(h -> h.covers(m))).count();
      if (held > 0) {
        keptForHold += (int) held;
        continue;
      }
      drop.add(s);
      for (ArchivedMessage m : msgs) {
        deleted.add(m.seq() + " " + m.time() + " " + m.queueId() + " <" + m.sender() + "> " + String.join(",", m.recipients())
            + " " + (m.messageId().isEmpty() ? "-" : m.messageId()));
      }
    }
    if (drop.isEmpty()) {
      return new Result(List.of(), List.of(), keptForHold);
    }
    Map<String, JournalRecord.Dropped> entries = new LinkedHashMap<>();
    for (ArchiveIndex.Segment s : drop) {
      for (JournalRecord.Dropped carried : tombstonesIn(journal, s.name())) {
        entries.put(carried.segment(), carried);
      }
    }
    for (ArchiveIndex.Segment s : drop) {
      entries.put(s.name(), new JournalRecord.Dropped(s.name(), s.firstSeq(), s.lastSeq(), s.prevIn(), s.lastHash(), s.records()));
    }
    StringBuilder data = new StringBuilder();
    deleted.forEach(l -> data.append(l).append('\n'));
    journal.appendTombstone(List.copyOf(entries.values()), "retention", data.toString().getBytes(StandardCharsets.UTF_8));
    for (ArchiveIndex.Segment s : drop) {
      Files.deleteIfExists(journal.segments().path(s.name()));
    }
    Segments.fsyncDirectory(journal.segments().dir());
    List<String> names = new ArrayList<>();
    for (ArchiveIndex.Segment s : drop) {
      index.forgetSegment(s.name());
      names.add(s.name());
      log.info("archive: segment {} deleted after its retention: {} record(s), seq {}..{}", s.name(), s.records(),
          s.firstSeq(), s.lastSeq());
    }
    deleted.forEach(l -> log.info("archive: deleted {}", l));
    return new Result(List.copyOf(names), List.copyOf(deleted), keptForHold);
  }

  private static List<JournalRecord.Dropped> tombstonesIn(JournalWriter journal, String segment) throws IOException {
    List<JournalRecord.Dropped> out = new ArrayList<>();
    try (SegmentReader r = new SegmentReader(journal.segments().path(segment), 0)) {
      for (JournalRecord rec = r.next(null); rec != null; rec = r.next(null)) {
        if (rec.type().equals(JournalRecord.TOMBSTONE)) {
          out.addAll(rec.dropped());
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
