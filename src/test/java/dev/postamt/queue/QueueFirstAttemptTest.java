package dev.postamt.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Config;
import dev.postamt.directory.Directory;
import dev.postamt.routing.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue's first attempt at a message just committed takes it from memory ({@link
 * QueueManager#submit(QueuedMessage)}) instead of reading back the file just written, but only while the
 * file is still in {@code active/}: a message held or removed before the attempt is not sent, and every
 * other attempt reads the spool. Shown by changing the message's bytes in its file after the commit: the
 * next hop gets the bytes in memory at the first attempt, the file's otherwise.
 */
class QueueFirstAttemptTest {
  @TempDir Path dir;

  private DurableSpool spool;
  private QueueManager queue;
  private final List<String> sent = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void setUp() throws Exception {
    Path data = dir.resolve("data");
    Path toml = dir.resolve("postamt.toml");
    Files.writeString(toml, """
        hostname = "mx.a.test"
        data_dir = "%s"
        [listen]
        """.formatted(data));
    Config config = Config.load(toml, true);
    spool = new DurableSpool(data.resolve("queue"));
    LocalTransport local = (m, index, recipient, dest, retry) -> {
      throw new AssertionError("no local recipient here");
    };
    RemoteTransport remote = (m, targets) -> {
      try (InputStream in = spool.openMessage(m)) {
        sent.add(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return targets.stream()
          .map(t -> (RecipientStatus) new RecipientStatus.Delivered(Instant.now(), "250 ok", RecipientStatus.Kind.RELAYED))
          .toList();
    };
    // not started: no dispatcher takes the submitted messages, process() is called here
    queue = new QueueManager(config, spool, new Router(Directory.open(data), config), local, remote);
  }

  /** A message committed as the SMTP server commits one; its file's copy then changed to {@code onDisk}. */
  private QueuedMessage commit(String text, String onDisk) throws IOException {
    String id = DurableSpool.newId();
    Envelope env = new Envelope(id, Instant.now(), "s@a.test", List.of(Envelope.Recipient.of("bob@b.test")),
        "7BIT", false, Optional.empty(), Optional.empty(), "helo.a.test", "192.0.2.7", Optional.empty(), "ESMTP");
    QueuedMessage committed;
    try (DurableSpool.Writer w = spool.create(id)) {
      w.out().write(text.getBytes(StandardCharsets.US_ASCII));
      w.stage(env, "");
      committed = w.commitStaged();
    }
    try (RandomAccessFile f = new RandomAccessFile(committed.file().toFile(), "rw")) {
      f.write(onDisk.getBytes(StandardCharsets.US_ASCII)); // same length: the trailer stays as it was
    }
    return committed;
  }

  @Test
  void theFirstAttemptSendsWhatIsInMemoryAndLaterOnesReadTheFile() throws IOException {
    QueuedMessage m = commit("Subject: a\r\n\r\nin memory\r\n", "Subject: a\r\n\r\nIN A FILE\r\n");
    queue.submit(m);
    queue.process(m.id());
    assertThat(sent).containsExactly("Subject: a\r\n\r\nin memory\r\n");
    assertThat(spool.exists(m.id())).isFalse(); // relayed: removed

    QueuedMessage byId = commit("Subject: b\r\n\r\nin memory\r\n", "Subject: b\r\n\r\nIN A FILE\r\n");
    queue.submit(byId.id());
    queue.process(byId.id());
    assertThat(sent).last().isEqualTo("Subject: b\r\n\r\nIN A FILE\r\n");

    QueuedMessage twice = commit("Subject: c\r\n\r\nin memory\r\n", "Subject: c\r\n\r\nIN A FILE\r\n");
    queue.submit(twice);
    queue.submit(twice.id()); // a flush meanwhile: the first attempt takes the copy in memory, once
    queue.process(twice.id());
    assertThat(sent).last().isEqualTo("Subject: c\r\n\r\nin memory\r\n");
  }

  @Test
  void aMessageHeldOrRemovedBeforeItsFirstAttemptIsNotSent() throws IOException {
    QueuedMessage held = commit("Subject: h\r\n\r\nheld\r\n", "Subject: h\r\n\r\nheld\r\n");
    queue.submit(held);
    assertThat(spool.setHeld(held.id(), true)).isTrue();
    queue.process(held.id());

    QueuedMessage removed = commit("Subject: r\r\n\r\ngone\r\n", "Subject: r\r\n\r\ngone\r\n");
    queue.submit(removed);
    assertThat(spool.remove(removed.id())).isTrue();
    queue.process(removed.id());

    assertThat(sent).isEmpty();
    assertThat(spool.load(held.id())).get().extracting(QueuedMessage::held).isEqualTo(true);
  }

  @Test
  void aLargeMessageIsNotKeptInMemoryForItsFirstAttempt() throws IOException {
    String body = "x".repeat(DurableSpool.KEPT_IN_MEMORY + 100);
    String text = "Subject: l\r\n\r\n" + body + "\r\n";
    QueuedMessage m = commit(text, "Subject: L");
    assertThat(m.content()).isNull();
    queue.submit(m);
    queue.process(m.id());
    assertThat(sent).containsExactly("Subject: L\r\n\r\n" + body + "\r\n");
  }

  @Test
  void atMostSixteenMegabytesOfMessagesWaitInMemoryEachTakenOnce() {
    FreshMessages fresh = new FreshMessages();
    byte[] mebibyte = new byte[1 << 20];
    for (int i = 0; i < 17; i++) {
      fresh.keep(inMemory("M" + i, mebibyte));
    }
    fresh.keep(inMemory("FILE", null)); // its bytes are in its file only: nothing to keep
    int kept = 0;
    for (int i = 0; i < 17; i++) {
      kept += fresh.take("M" + i) != null ? 1 : 0;
    }
    assertThat(kept).isEqualTo(16);
    assertThat(fresh.take("FILE")).isNull();
    // what was taken made room again; a message is taken once
    fresh.keep(inMemory("AGAIN", mebibyte));
    assertThat(fresh.take("AGAIN")).isNotNull();
    assertThat(fresh.take("AGAIN")).isNull();
  }

  private static QueuedMessage inMemory(String id, byte[] content) {
    Envelope env = new Envelope(id, Instant.now(), "s@a.test", List.of(Envelope.Recipient.of("bob@b.test")),
        "7BIT", false, Optional.empty(), Optional.empty(), "helo.a.test", "192.0.2.7", Optional.empty(), "ESMTP");
    return new QueuedMessage(env, List.of(new RecipientStatus.Scheduled()), Path.of("active", id), "",
        content == null ? 300_000 : content.length, false, List.of(), content);
  }
}
