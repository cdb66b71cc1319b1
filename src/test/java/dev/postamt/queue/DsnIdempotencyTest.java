package dev.postamt.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Config;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failure notice is queued exactly once, also when a crash came between its commit and its record. */
class DsnIdempotencyTest {
  @TempDir Path tmp;

  @Test
  void aNoticeIsQueuedOnceEvenAfterACrashBeforeItWasRecorded() throws Exception {
    Path cfg = tmp.resolve("postamt.toml");
    Files.writeString(cfg, "hostname = \"mx.a.test\"\ndata_dir = \"data\"\n[listen]\n");
    Config config = Config.load(cfg, true);
    DurableSpool spool = new DurableSpool(tmp.resolve("queue"));
    String id = DurableSpool.newId();
    try (DurableSpool.Writer w = spool.create(id)) {
      w.out().write("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
      w.commit(
          new Envelope(id, Instant.now(), "alice@a.test",
              List.of(Envelope.Recipient.of("x@b.test"), Envelope.Recipient.of("y@b.test")),
              "7BIT", false, Optional.empty(), Optional.empty(), "c", "127.0.0.1", Optional.empty(), "ESMTP"),
          "");
    }
    spool.record(id, List.of(0, 1), new RecipientStatus.PermFail(Instant.now(), "5.1.1 no"));
    QueuedMessage beforeNotice = spool.load(id).orElseThrow();
    Notifier notifier = new Notifier(config, spool);

    List<String> first = notifier.notify(beforeNotice, Instant.now());
    assertThat(first).containsExactly(id + "N1");
    assertThat(notifier.notify(spool.load(id).orElseThrow(), Instant.now())).isEmpty();

    // as if the process had died after committing the notice but before recording it: the same
    // state again yields the same notice id, which exists, so nothing new is written
    List<String> replay = notifier.notify(beforeNotice, Instant.now());
    assertThat(replay).containsExactly(id + "N1");
    assertThat(spool.ids()).containsExactly(id, id + "N1");
    QueuedMessage dsn = spool.load(id + "N1").orElseThrow();
    assertThat(dsn.envelope().sender()).isEmpty();
    assertThat(dsn.envelope().recipientAddresses()).containsExactly("alice@a.test");
    assertThat(new String(spool.openMessage(dsn).readAllBytes(), StandardCharsets.US_ASCII))
        .contains("Final-Recipient: rfc822; x@b.test").contains("Final-Recipient: rfc822; y@b.test");
  }
}
