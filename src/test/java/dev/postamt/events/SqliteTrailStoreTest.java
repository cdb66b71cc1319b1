package dev.postamt.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.metrics.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trail contract on {@code data_dir/trail.db}; and the recorder's bound. */
class SqliteTrailStoreTest implements TrailStoreContract {
  @TempDir Path dir;

  @Override
  public TrailStore open() throws Exception {
    return SqliteTrailStore.open(dir);
  }

  @Test
  void aFullQueueDropsRowsAndCountsThemWithoutBlocking() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<TrailRecord> written = java.util.Collections.synchronizedList(new ArrayList<>());
    TrailStore stuck = new TrailStore() {
      @Override
      public void append(List<TrailRecord> records) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        written.addAll(records);
      }

      @Override
      public java.util.Set<Link> linksOfId(String key, Instant since) {
        return java.util.Set.of();
      }

      @Override
      public java.util.Set<Link> linksOfAddress(String address, Instant since) {
        return java.util.Set.of();
      }

      @Override
      public List<Link> recent(java.util.Collection<String> domains, Instant since, int limit) {
        return List.of();
      }

      @Override
      public List<TrailRecord> rows(java.util.Collection<String> q, java.util.Collection<String> s, Instant since) {
        return List.of();
      }

      @Override
      public int deleteBefore(Instant cutoff) {
        return 0;
      }

      @Override
      public void close() {}
    };
    Path other = dir.resolve("other");
    TrailRecorder r = TrailRecorder.start(other, stuck, () -> new dev.postamt.config.Trail(true, Duration.ofDays(30)));
    try {
      double before = Metrics.process().trailDroppedCount();
      Events events = Events.at(other);
      long started = System.nanoTime();
      int n = TrailRecorder.CAPACITY + TrailRecorder.BATCH + 100; // the writer holds at most one batch while stuck
      for (int i = 0; i < n; i++) {
        events.emit(Event.SMTP_CONNECT, TrailKey.session("S" + i), "ip", "192.0.2.1");
      }
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
      assertThat(Metrics.process().trailDroppedCount() - before).isGreaterThanOrEqualTo(100);
      release.countDown();
      assertThat(r.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(written.size()).isBetween(TrailRecorder.CAPACITY, n - 100);
    } finally {
      release.countDown();
      r.close();
    }
    assertThat(Events.at(other)).isSameAs(Events.process());
  }
}
