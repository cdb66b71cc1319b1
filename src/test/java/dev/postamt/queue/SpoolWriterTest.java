package dev.postamt.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DurableSpool.Writer#openWritten}: what was written so far, whether kept in memory or read from the file. */
class SpoolWriterTest {
  @TempDir Path dir;

  private static byte[] read(DurableSpool.Writer w) throws IOException {
    try (InputStream in = w.openWritten()) {
      return in.readAllBytes();
    }
  }

  @Test
  void whatWasWrittenSoFarSmallOrLarge() throws IOException {
    DurableSpool spool = new DurableSpool(dir.resolve("queue"));
    Random r = new Random(3);
    try (DurableSpool.Writer w = spool.create(DurableSpool.newId())) {
      java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
      // past KEPT_IN_MEMORY in pieces of every size, single bytes among them, read back after each
      while (all.size() < DurableSpool.KEPT_IN_MEMORY + 10_000) {
        byte[] piece = new byte[r.nextInt(3) == 0 ? 1 : r.nextInt(9000)];
        r.nextBytes(piece);
        if (piece.length == 1) {
          w.out().write(piece[0]);
        } else {
          w.out().write(piece, 0, piece.length);
        }
        all.write(piece);
        assertThat(read(w)).as("after %d bytes", all.size()).isEqualTo(all.toByteArray());
      }
    }
  }

  @Test
  void aDeclaredSizeSizesTheFirstArrayWithinTheInMemoryLimit() {
    assertThat(DurableSpool.firstArraySize(0)).isEqualTo(4096); // not declared
    assertThat(DurableSpool.firstArraySize(-1)).isEqualTo(4096);
    assertThat(DurableSpool.firstArraySize(10)).isEqualTo(4096);
    assertThat(DurableSpool.firstArraySize(100_000)).isBetween(100_000, DurableSpool.KEPT_IN_MEMORY);
    assertThat(DurableSpool.firstArraySize(DurableSpool.KEPT_IN_MEMORY)).isEqualTo(DurableSpool.KEPT_IN_MEMORY);
    // going to its file anyway, or a client's SIZE=999999999999: nothing large is made for it
    assertThat(DurableSpool.firstArraySize(DurableSpool.KEPT_IN_MEMORY + 1L)).isEqualTo(4096);
    assertThat(DurableSpool.firstArraySize(999_999_999_999L)).isEqualTo(4096);
  }

  @Test
  void aMessageLongerOrShorterThanDeclaredIsKeptWhole() throws IOException {
    DurableSpool spool = new DurableSpool(dir.resolve("queue"));
    Random r = new Random(5);
    for (long declared : new long[] {1_000, 40_000, 200_000}) {
      for (int length : new int[] {10, 39_000, 41_500, 120_000, DurableSpool.KEPT_IN_MEMORY + 3_000}) {
        byte[] message = new byte[length];
        r.nextBytes(message);
        try (DurableSpool.Writer w = spool.create(DurableSpool.newId(), declared)) {
          for (int off = 0; off < length; off += 7_777) {
            w.out().write(message, off, Math.min(7_777, length - off));
          }
          assertThat(read(w)).as("declared %d, %d bytes", declared, length).isEqualTo(message);
        }
      }
    }
  }

  @Test
  void afterAFieldIsDroppedTheRewrittenFileIsRead() throws IOException {
    DurableSpool spool = new DurableSpool(dir.resolve("queue"));
    try (DurableSpool.Writer w = spool.create(DurableSpool.newId())) {
      w.out().write("Authentication-Results: forged\r\nSubject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(read(w), StandardCharsets.US_ASCII)).startsWith("Authentication-Results: forged");
      w.dropHeaderFields(List.of(0));
      assertThat(new String(read(w), StandardCharsets.US_ASCII)).isEqualTo("Subject: hi\r\n\r\nbody\r\n");
    }
  }

  @Test
  void aStagedMessageIsWhatTheQueueLoadsFromItsFile() throws IOException {
    DurableSpool spool = new DurableSpool(dir.resolve("queue"));
    String id = DurableSpool.newId();
    Envelope env = new Envelope(id, java.time.Instant.parse("2026-12-05T15:30:01.123456789Z"), "odd sender+x@example.org",
        List.of(new Envelope.Recipient("a@example.test", List.of("SUCCESS", "FAILURE"), java.util.Optional.of("rfc822;a@x.test")),
            Envelope.Recipient.of("b b@example.test")),
        "8BITMIME", true, java.util.Optional.of("HDRS"), java.util.Optional.of("env id=1"), "helo.example", "192.0.2.7",
        java.util.Optional.of("user@example.test"), "ESMTPSA", true);
    String headers = "Received: from helo.example ([192.0.2.7])\r\n\tby mx (Postamt); Sat, 5 Dec 2026 15:30:01 +0000\r\n";
    try (DurableSpool.Writer w = spool.create(id)) {
      byte[] message = "Subject: s\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
      w.out().write(message);
      QueuedMessage staged = w.stage(env, headers);
      QueuedMessage committed = w.commitStaged();
      QueuedMessage loaded = spool.load(id).orElseThrow();
      // what the queue's first attempt takes from memory (QueueManager.submit(QueuedMessage)) is the file's
      assertThat(committed.file()).isEqualTo(loaded.file());
      assertThat(committed.envelope()).isEqualTo(loaded.envelope());
      assertThat(committed.statuses()).isEqualTo(loaded.statuses());
      assertThat(committed.headers()).isEqualTo(loaded.headers());
      assertThat(committed.held()).isEqualTo(loaded.held());
      assertThat(committed.content()).isEqualTo(message);
      try (InputStream in = spool.openMessage(loaded)) {
        assertThat(in.readAllBytes()).isEqualTo(message);
      }
      assertThat(staged.envelope()).isEqualTo(loaded.envelope());
      assertThat(staged.envelope().arrival()).isEqualTo(java.time.Instant.parse("2026-12-05T15:30:01.123Z"));
      assertThat(staged.statuses()).isEqualTo(loaded.statuses());
      assertThat(staged.headers()).isEqualTo(loaded.headers()).isEqualTo(headers);
      assertThat(staged.size()).isEqualTo(loaded.size()).isEqualTo(message.length);
      assertThat(staged.held()).isEqualTo(loaded.held()).isFalse();
      assertThat(staged.notices()).isEqualTo(loaded.notices()).isEmpty();
    }
  }

  private static Envelope envelope(String id) {
    return new Envelope(id, java.time.Instant.now(), "s@example.org", List.of(Envelope.Recipient.of("a@example.test")),
        "7BIT", false, java.util.Optional.empty(), java.util.Optional.empty(), "helo.example", "192.0.2.7",
        java.util.Optional.empty(), "ESMTP", false);
  }

  private static long filesIn(Path d) throws IOException {
    try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(d)) {
      return s.count();
    }
  }

  @Test
  void aSmallMessageIsOnlyInMemoryUntilItsCommitWritesItsFile() throws IOException {
    Path queue = dir.resolve("queue");
    DurableSpool spool = new DurableSpool(queue);
    String id = DurableSpool.newId();
    byte[] message = "Subject: s\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
    try (DurableSpool.Writer w = spool.create(id)) {
      w.out().write(message);
      QueuedMessage staged = w.stage(envelope(id), "X-Added: 1\r\n");
      assertThat(filesIn(queue.resolve("incoming"))).isZero();
      assertThat(staged.content()).isNotNull();
      try (InputStream in = spool.openMessage(staged)) {
        assertThat(in.readAllBytes()).isEqualTo(message);
      }
      w.commitStaged();
    }
    assertThat(filesIn(queue.resolve("incoming"))).isZero();
    QueuedMessage loaded = spool.load(id).orElseThrow();
    assertThat(loaded.content()).isNull();
    assertThat(loaded.headers()).isEqualTo("X-Added: 1\r\n");
    try (InputStream in = spool.openMessage(loaded)) {
      assertThat(in.readAllBytes()).isEqualTo(message);
    }
  }

  @Test
  void aStagedSmallMessageThatIsAbortedLeavesNoFile() throws IOException {
    Path queue = dir.resolve("queue");
    DurableSpool spool = new DurableSpool(queue);
    String id = DurableSpool.newId();
    try (DurableSpool.Writer w = spool.create(id)) {
      w.out().write("Subject: s\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
      w.stage(envelope(id), "");
      w.abort();
    }
    assertThat(filesIn(queue.resolve("incoming"))).isZero();
    assertThat(spool.load(id)).isEmpty();
  }

  @Test
  void aLargeMessageGoesToItsFileAsItArrivesAndIsCommittedWhole() throws IOException {
    Path queue = dir.resolve("queue");
    DurableSpool spool = new DurableSpool(queue);
    String id = DurableSpool.newId();
    byte[] message = new byte[DurableSpool.KEPT_IN_MEMORY + 5000];
    new Random(7).nextBytes(message);
    try (DurableSpool.Writer w = spool.create(id)) {
      w.out().write(message, 0, 1000);
      assertThat(filesIn(queue.resolve("incoming"))).isZero();
      w.out().write(message, 1000, message.length - 1000);
      assertThat(filesIn(queue.resolve("incoming"))).isOne();
      QueuedMessage staged = w.stage(envelope(id), "");
      assertThat(staged.content()).isNull();
      w.commitStaged();
    }
    try (InputStream in = spool.openMessage(spool.load(id).orElseThrow())) {
      assertThat(in.readAllBytes()).isEqualTo(message);
    }
  }

  @Test
  void fieldsDroppedFromAMessageInMemoryAreGoneFromItsCommittedFile() throws IOException {
    DurableSpool spool = new DurableSpool(dir.resolve("queue"));
    String id = DurableSpool.newId();
    try (DurableSpool.Writer w = spool.create(id)) {
      w.out().write("Authentication-Results: forged\r\n\tcontinued\r\nSubject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
      w.dropHeaderFields(List.of(0));
      w.commit(envelope(id), "");
    }
    try (InputStream in = spool.openMessage(spool.load(id).orElseThrow())) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("Subject: hi\r\n\r\nbody\r\n");
    }
  }
}
