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
  void afterAFieldIsDroppedTheRewrittenFileIsRead() throws IOException {
    DurableSpool spool = new DurableSpool(dir.resolve("queue"));
    try (DurableSpool.Writer w = spool.create(DurableSpool.newId())) {
      w.out().write("Authentication-Results: forged\r\nSubject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(read(w), StandardCharsets.US_ASCII)).startsWith("Authentication-Results: forged");
      w.dropHeaderFields(List.of(0));
      assertThat(new String(read(w), StandardCharsets.US_ASCII)).isEqualTo("Subject: hi\r\n\r\nbody\r\n");
    }
  }
}
