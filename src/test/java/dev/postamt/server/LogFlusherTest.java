package dev.postamt.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The log's standard-error stream: lines written in blocks, none kept back for long, none lost at the end. */
class LogFlusherTest {
  /** Records what reached it and in how many writes. */
  private static final class Sink extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final AtomicInteger writes = new AtomicInteger();

    @Override
    public synchronized void write(int b) {
      writes.incrementAndGet();
      bytes.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      writes.incrementAndGet();
      bytes.write(b, off, len);
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  private static byte[] line(int i) {
    return ("2026-12-05T23:40:00.000Z INFO  Event: smtp.accepted queue=" + i + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void manyLinesAreOneWriteAndInOrder() throws Exception {
    Sink sink = new Sink();
    LogFlusher f = new LogFlusher(sink, Duration.ofHours(1));
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      f.write(line(i));
      expected.append(new String(line(i), StandardCharsets.UTF_8));
    }
    assertThat(sink.writes.get()).isZero(); // held until the interval or a flush
    f.flush();
    assertThat(sink.writes.get()).isEqualTo(1);
    assertThat(sink.text()).isEqualTo(expected.toString());
    f.stop();
  }

  @Test
  void aLineIsWrittenOutWithoutAFlush() throws Exception {
    Sink sink = new Sink();
    LogFlusher f = new LogFlusher(sink, Duration.ofMillis(5));
    f.write(line(1));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (sink.text().isEmpty() && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    assertThat(sink.text()).isEqualTo(new String(line(1), StandardCharsets.UTF_8));
    f.write(line(2)); // the next line after a flush starts a new wait
    deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (sink.writes.get() < 2 && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    assertThat(sink.text()).endsWith(new String(line(2), StandardCharsets.UTF_8));
    f.stop();
  }

  @Test
  void stopWritesWhatIsLeftAndLateLinesAtOnce() throws Exception {
    Sink sink = new Sink();
    LogFlusher f = new LogFlusher(sink, Duration.ofHours(1));
    f.write(line(1));
    f.stop();
    assertThat(sink.text()).isEqualTo(new String(line(1), StandardCharsets.UTF_8));
    f.write(line(2)); // a line that reached the replaced log after all
    assertThat(sink.text()).endsWith(new String(line(2), StandardCharsets.UTF_8));
  }
}
