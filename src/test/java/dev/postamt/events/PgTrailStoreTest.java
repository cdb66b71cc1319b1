package dev.postamt.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.PgNodes;
import dev.postamt.testing.PgPools;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trail contract on PostgreSQL, and one message's life written by two nodes and read on either. */
class PgTrailStoreTest implements TrailStoreContract {
  private final PgPools pools = new PgPools();

  @Override
  public TrailStore open() throws Exception {
    return PgTrailStore.open(pools.fresh());
  }

  @AfterEach
  void close() {
    pools.close();
  }

  @Test
  void eventsRecordedOnTwoNodesMakeOneTrailThatEitherReads(@TempDir Path dir) throws Exception {
    Path dirA = dir.resolve("a");
    Path dirB = dir.resolve("b");
    var keep = (java.util.function.Supplier<dev.postamt.config.Trail>) () -> new dev.postamt.config.Trail(true, Duration.ofDays(30));
    try (PgNodes nodes = new PgNodes()) {
      TrailRecorder a = TrailRecorder.start(dirA, PgTrailStore.open(nodes.a), keep);
      TrailRecorder b = TrailRecorder.start(dirB, PgTrailStore.open(nodes.b), keep);
      try {
        // node A accepts the message, node B (sharing the queue's mail store) delivers it
        TrailKey accepted = TrailKey.session("SA1").withQueueId("Q77").withSender("x@remote.test")
            .withRecipient("bob@example.test");
        Events.at(dirA).emit(Event.SMTP_CONNECT, TrailKey.session("SA1"), "ip", "192.0.2.9");
        Events.at(dirA).emit(Event.SMTP_ACCEPTED, accepted, "reply", "250 ok");
        // the delivery follows the acceptance: on one node by the trail's order, across nodes once A's rows are in
        // (rows of the same millisecond are ordered by when they were written)
        assertThat(a.flush(Duration.ofSeconds(30))).isTrue();
        Events.at(dirB).emit(Event.DELIVERY_DEFERRED, TrailKey.queue("Q77").withRecipient("bob@example.test"),
            "reply", "4.2.2 over quota");
        for (int i = 0; i < 200; i++) { // a batch of other traffic on both, written concurrently
          (i % 2 == 0 ? Events.at(dirA) : Events.at(dirB)).emit(Event.SMTP_CONNECT, TrailKey.session("N" + i), "ip", "192.0.2.1");
        }
        assertThat(a.flush(Duration.ofSeconds(30))).isTrue();
        assertThat(b.flush(Duration.ofSeconds(30))).isTrue();
        for (TrailStore reader : List.of(a.store(), b.store())) {
          List<Trace.Message> found = new Trace(reader).find("bob@example.test", Instant.EPOCH);
          assertThat(found).singleElement().satisfies(m -> {
            assertThat(m.queueId()).isEqualTo("Q77");
            assertThat(m.events()).extracting(TrailRecord::event)
                .containsExactly("smtp.connect", "smtp.accepted", "delivery.deferred");
          });
          assertThat(reader.rows(List.of(), List.of("N0", "N1", "N198", "N199"), Instant.EPOCH)).hasSize(4);
        }
      } finally {
        a.close();
        b.close();
      }
    }
  }

  @Test
  void aNulInAnAddressIsKeptVisibleInsteadOfFailingTheBatch() throws Exception {
    try (TrailStore store = open()) {
      store.append(List.of(new TrailRecord(T0, Event.SMTP_REJECT.key(),
          TrailKey.session("S9").withSender("odd\0one@remote.test"), Map.of("reply", "550"))));
      assertThat(store.rows(List.of(), List.of("S9"), Instant.EPOCH)).singleElement()
          .satisfies(r -> assertThat(r.key().sender()).isEqualTo("odd\uFFFDone@remote.test"));
    }
  }
}
