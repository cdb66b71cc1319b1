package dev.postamt.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text line's key words ({@link Events#appendKey}) are those of {@link Events#keyFields}, the JSON line's. */
class EventLineKeyTest {
  private static String viaMap(TrailKey k) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : Events.keyFields(k).entrySet()) {
      TrailRecord.appendQuoted(b.append(' ').append(e.getKey()).append('='), e.getValue());
    }
    return b.toString();
  }

  private static String direct(TrailKey k) {
    StringBuilder b = new StringBuilder();
    Events.appendKey(b, k);
    return b.toString();
  }

  @Test
  void sameWordsForEveryShapeOfKey() {
    List<TrailKey> keys = new ArrayList<>();
    keys.add(null);
    keys.add(TrailKey.session("S0123456789AB"));
    keys.add(TrailKey.queue("2397GZKJ32BXGCPL"));
    keys.add(TrailKey.queue("Q1").withRecipient("alice@example.test"));
    keys.add(TrailKey.queue("Q1").withSender("").withRecipients(List.of("a@x.test", "b c@x.test", "\"q\"@x.test")));
    keys.add(new TrailKey("S1", "Q2", "<id with space@x>", "bench@client.bench.test", List.of("alice@example.test")));
    keys.add(new TrailKey(null, null, "plain@id", "odd=sender\t@x", List.of("to\n@x")));
    keys.add(new TrailKey("S\"1\\", null, null, null, List.of()));
    for (TrailKey k : keys) {
      assertThat(direct(k)).as("key %s", k).isEqualTo(viaMap(k));
    }
    assertThat(direct(new TrailKey("S1", "Q2", "m@x", "s@x", List.of("a@x", "b@x"))))
        .isEqualTo(" session=S1 queue=Q2 message_id=<m@x> from=<s@x> to=<a@x>,<b@x>");
  }
}
