package dev.postamt.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TrailStore} does, with {@link Trace}'s following of links over it; run by {@link
 * SqliteTrailStoreTest} and {@link PgTrailStoreTest}.
 */
interface TrailStoreContract {
  Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  /** An empty trail. */
  TrailStore open() throws Exception;

  private static TrailRecord row(int second, Event e, TrailKey k, String... kv) {
    Map<String, String> f = new java.util.LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      f.put(kv[i], kv[i + 1]);
    }
    return new TrailRecord(T0.plusSeconds(second), e.key(), k, f);
  }

  /** Two messages in one session (Q1 to bob, Q2 to carol), a refused RCPT in another, Q1's bounce notice N1. */
  private static void twoMessagesAndARefusal(TrailStore store) throws Exception {
    TrailKey s1 = TrailKey.session("S1");
    store.append(List.of(
        row(0, Event.SMTP_CONNECT, s1, "service", "smtp", "ip", "192.0.2.1"),
        row(1, Event.MAILAUTH_RESULT, TrailKey.queue("Q1").withSender("a@remote.test").withRecipient("bob@example.test"),
            "results", "mx; spf=pass"),
        row(1, Event.QUEUE_QUEUED, TrailKey.queue("Q1").withMessageId("<m1@remote.test>").withSender("a@remote.test")
            .withRecipient("bob@example.test")),
        row(2, Event.SMTP_ACCEPTED, s1.withQueueId("Q1").withSender("a@remote.test").withRecipient("bob@example.test"),
            "reply", "250 \"quoted\" value"),
        row(3, Event.SMTP_ACCEPTED, s1.withQueueId("Q2").withSender("a@remote.test").withRecipient("carol@other.test")),
        row(4, Event.DELIVERY_BOUNCED, TrailKey.queue("Q1").withRecipient("bob@example.test"), "reply", "5.1.1 no such user"),
        row(5, Event.DELIVERY_NOTICE, TrailKey.queue("Q1").withSender("a@remote.test"), "kind", "failure", "notice", "N1"),
        row(6, Event.DELIVERY_DEFERRED, TrailKey.queue("N1").withRecipient("a@remote.test"), "reply", "4.4.1 no answer"),
        row(7, Event.SMTP_CONNECT, TrailKey.session("S2"), "ip", "192.0.2.7"),
        row(8, Event.SMTP_REJECT, TrailKey.session("S2").withSender("x@spam.test").withRecipient("bob@example.test"),
            "command", "RCPT", "reply", "554 5.7.1 relay denied")));
  }

  @Test
  default void aQueueIdGivesItsSessionItsEventsAndItsNoticeButNotTheOtherMessageOfTheSession() throws Exception {
    try (TrailStore store = open()) {
      twoMessagesAndARefusal(store);
      List<Trace.Message> found = new Trace(store).find("Q1", Instant.EPOCH);
      assertThat(found).hasSize(2); // Q1 and its notice N1
      Trace.Message q1 = found.getFirst();
      assertThat(q1.queueId()).isEqualTo("Q1");
      assertThat(q1.events()).extracting(TrailRecord::event).containsExactly("smtp.connect", "mailauth.result", "queue.queued",
          "smtp.accepted", "delivery.bounced", "delivery.notice");
      assertThat(q1.messageId()).isEqualTo("m1@remote.test");
      assertThat(q1.events().get(3).fields()).containsEntry("reply", "250 \"quoted\" value");
      assertThat(found.get(1).queueId()).isEqualTo("N1");
      assertThat(found.get(1).events()).extracting(TrailRecord::event).containsExactly("delivery.deferred");
    }
  }

  @Test
  default void aMessageIdIsFoundWithAndWithoutBrackets() throws Exception {
    try (TrailStore store = open()) {
      twoMessagesAndARefusal(store);
      Trace trace = new Trace(store);
      assertThat(trace.find("<m1@remote.test>", Instant.EPOCH)).first().extracting(Trace.Message::queueId).isEqualTo("Q1");
      assertThat(trace.find("m1@remote.test", Instant.EPOCH)).first().extracting(Trace.Message::queueId).isEqualTo("Q1");
      assertThat(trace.find("m2@remote.test", Instant.EPOCH)).isEmpty();
    }
  }

  @Test
  default void anAddressGivesEveryMessageAndRefusalGroupedAndInTimeOrder() throws Exception {
    try (TrailStore store = open()) {
      twoMessagesAndARefusal(store);
      List<Trace.Message> found = new Trace(store).find("Bob@Example.test", Instant.EPOCH);
      assertThat(found).extracting(m -> m.queueId() == null ? m.session() : m.queueId()).containsExactly("Q1", "N1", "S2");
      Trace.Message refused = found.get(2);
      assertThat(refused.events()).extracting(TrailRecord::event).containsExactly("smtp.connect", "smtp.reject");
      assertThat(Trace.heading(refused)).contains("session S2").contains("no message accepted").contains("from <x@spam.test>");
      assertThat(Trace.line(refused.events().get(1), java.time.ZoneOffset.UTC))
          .isEqualTo("2026-12-01T10:00:08.000Z smtp.reject        session=S2 from=<x@spam.test> to=<bob@example.test>"
              + " command=RCPT reply=\"554 5.7.1 relay denied\"");
      assertThat(new Trace(store).find("carol@other.test", Instant.EPOCH)).singleElement()
          .satisfies(m -> assertThat(m.events()).extracting(TrailRecord::event).containsExactly("smtp.connect", "smtp.accepted"));
    }
  }

  @Test
  default void eventsOfOneBatchNamingTheSameAddressesAreFoundByTheirLatestTime() throws Exception {
    try (TrailStore store = open()) {
      TrailKey q9 = TrailKey.queue("Q9").withSender("e@remote.test").withRecipient("dave@example.test");
      store.append(List.of(
          row(1, Event.MAILAUTH_RESULT, q9, "results", "mx; spf=none"),
          row(2, Event.SMTP_ACCEPTED, TrailKey.session("S8").withQueueId("Q8").withSender("f@remote.test")
              .withRecipient("dave@example.test")),
          row(3, Event.QUEUE_QUEUED, q9),
          row(4, Event.DELIVERY_DELIVERED, q9.withSender(null), "reply", "2.0.0 ok")));
      assertThat(store.linksOfAddress("DAVE@example.test", T0.plusSeconds(4))).containsExactly(new TrailStore.Link(null, "Q9"));
      assertThat(store.linksOfAddress("e@remote.test", T0.plusSeconds(3))).containsExactly(new TrailStore.Link(null, "Q9"));
      assertThat(store.linksOfAddress("e@remote.test", T0.plusSeconds(4))).isEmpty();
      assertThat(store.recent(List.of("example.test"), Instant.EPOCH, 10))
          .containsExactly(new TrailStore.Link(null, "Q9"), new TrailStore.Link("S8", "Q8"));
      assertThat(new Trace(store).find("dave@example.test", Instant.EPOCH)).extracting(m -> m.events().size())
          .containsExactlyInAnyOrder(3, 1);
    }
  }

  @Test
  default void sinceLeavesOutOlderRowsAndTheSweepDeletesThem() throws Exception {
    try (TrailStore store = open()) {
      twoMessagesAndARefusal(store);
      assertThat(new Trace(store).find("bob@example.test", T0.plusSeconds(7))).extracting(Trace.Message::session)
          .containsExactly("S2");
      assertThat(store.deleteBefore(T0.plusSeconds(7))).isEqualTo(8);
      assertThat(new Trace(store).find("Q1", Instant.EPOCH)).isEmpty();
      assertThat(store.linksOfAddress("a@remote.test", Instant.EPOCH)).isEmpty();
      assertThat(store.recent(null, Instant.EPOCH, 10)).containsExactly(new TrailStore.Link("S2", null));
    }
  }

  @Test
  default void recentIsScopedByDomain() throws Exception {
    try (TrailStore store = open()) {
      twoMessagesAndARefusal(store);
      assertThat(store.recent(List.of("other.test"), Instant.EPOCH, 10)).containsExactly(new TrailStore.Link("S1", "Q2"));
      assertThat(store.recent(List.of(), Instant.EPOCH, 10)).isEmpty();
      List<Trace.Message> mine = new Trace(store).follow(store.recent(List.of("example.test"), Instant.EPOCH, 10), Instant.EPOCH);
      // what the console shows a domain administrator: the groups that touch the domain
      assertThat(mine.stream().filter(m -> m.touches(List.of("example.test"))))
          .extracting(m -> m.queueId() == null ? m.session() : m.queueId()).containsExactly("Q1", "S2");
      assertThat(mine).noneMatch(m -> "Q2".equals(m.queueId()));
    }
  }

  @Test
  default void fieldsSurviveTheRoundTripWhateverTheyHold() throws Exception {
    try (TrailStore store = open()) {
      String odd = "tab\there \"quotes\" back\\slash\nnewline \u0001 ünïcødé";
      store.append(List.of(row(0, Event.FILTER_VERDICT, TrailKey.queue("Q9"), "reason", odd, "empty", "")));
      TrailRecord back = store.rows(List.of("Q9"), List.of(), Instant.EPOCH).getFirst();
      assertThat(back.fields()).containsExactly(Map.entry("reason", odd), Map.entry("empty", ""));
      assertThat(FieldsJson.read("not json")).isEmpty();
    }
  }

}
