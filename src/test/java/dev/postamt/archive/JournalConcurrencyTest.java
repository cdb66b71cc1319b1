package dev.postamt.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Archive;
import dev.postamt.queue.Envelope;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many sessions journalling at once, with segments small enough to roll under them: every record is
 * kept once, indexed, in one unbroken chain; a second writer on the same directory is refused.
 */
class JournalConcurrencyTest {
  @TempDir Path dir;

  @Test
  void concurrentAppendsAcrossSegmentRollsFormOneChain() throws Exception {
    Archive config = new Archive(true, dir, Archive.Retention.parse("10y"), Map.of(), 64 << 10);
    int n = 200;
    try (JournalWriter w = JournalWriter.open(config, Clock.systemUTC());
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        done.add(pool.submit(() -> {
          byte[] m = ("Subject: m" + k + "\r\n\r\n" + "x".repeat(1000 + k) + "\r\n").getBytes(StandardCharsets.US_ASCII);
          w.record(new Envelope("ID" + k, java.time.Instant.now(), "a@example.org", List.of(Envelope.Recipient.of("b@example.net")),
              "7BIT", false, Optional.empty(), Optional.empty(), "h", "192.0.2.1", Optional.empty(), "ESMTP"),
              "", () -> new ByteArrayInputStream(m), m.length);
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> JournalWriter.open(config, Clock.systemUTC())))
          .hasMessageContaining("open in another process");
    }
    ArchiveVerifier.Report r = ArchiveVerifier.verify(dir);
    assertThat(r.problems()).isEmpty();
    assertThat(r.records()).isEqualTo(n);
    assertThat(r.segments()).isGreaterThan(2);
    try (JournalArchive a = JournalArchive.open(dir)) {
      assertThat(a.search(ArchiveQuery.ALL)).extracting(ArchivedMessage::subject).hasSize(n).doesNotHaveDuplicates();
    }
  }
}
