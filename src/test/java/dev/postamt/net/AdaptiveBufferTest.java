package dev.postamt.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The connection buffers grow and shrink with the traffic and when parked; what passes through must not change. */
class AdaptiveBufferTest {

  /** Hands out its bytes in chunks of a random size, as a socket does. */
  private static final class Chunky extends InputStream {
    private final byte[] data;
    private final Random rnd;
    private final int maxChunk;
    private int pos;

    Chunky(byte[] data, long seed, int maxChunk) {
      this.data = data;
      this.rnd = new Random(seed);
      this.maxChunk = maxChunk;
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= data.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, 1 + rnd.nextInt(maxChunk)), data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  private static byte[] data(long seed, int size) {
    byte[] d = new byte[size];
    new Random(seed).nextBytes(d);
    return d;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 300, 1024, 5000, 70000})
  void inputGivesBackExactlyWhatCame(int maxChunk) throws IOException {
    byte[] d = data(maxChunk, 200_000);
    var in = new UnsyncBufferedInputStream(new Chunky(d, maxChunk, maxChunk), 64, 4096);
    Random rnd = new Random(1);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    while (true) {
      if (rnd.nextInt(20) == 0) {
        in.park(1 + rnd.nextInt(16)); // as before an IDLE: a tiny buffer for the next fill only
      }
      if (rnd.nextBoolean()) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        got.write(b);
      } else {
        byte[] buf = new byte[1 + rnd.nextInt(rnd.nextBoolean() ? 50 : 10_000)];
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
          break;
        }
        got.write(buf, 0, n);
      }
    }
    assertThat(got.toByteArray()).isEqualTo(d);
  }

  /** Bytes given back after a read (from the buffer, or from a large read that bypassed it) come again next. */
  @ParameterizedTest
  @ValueSource(ints = {1, 7, 300, 1024, 5000, 70000})
  void unreadBytesAreReadAgain(int maxChunk) throws IOException {
    byte[] d = data(maxChunk, 200_000);
    var in = new UnsyncBufferedInputStream(new Chunky(d, maxChunk, maxChunk), 64, 4096);
    Random rnd = new Random(3);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    while (true) {
      byte[] buf = new byte[1 + rnd.nextInt(rnd.nextBoolean() ? 50 : 10_000)];
      int n = in.read(buf, 0, buf.length);
      if (n < 0) {
        break;
      }
      int back = rnd.nextInt(3) == 0 ? rnd.nextInt(n + 1) : 0;
      in.unread(buf, n - back, back);
      got.write(buf, 0, n - back);
    }
    assertThat(got.toByteArray()).isEqualTo(d);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 40, 600, 3000, 20000})
  void outputSendsExactlyWhatWasWritten(int maxWrite) throws IOException {
    byte[] d = data(maxWrite, 200_000);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    var out = new UnsyncBufferedOutputStream(sink, 64, 4096);
    Random rnd = new Random(2);
    int pos = 0;
    while (pos < d.length) {
      int n = Math.min(d.length - pos, 1 + rnd.nextInt(maxWrite));
      if (n == 1) {
        out.write(d[pos]);
      } else {
        out.write(d, pos, n);
      }
      pos += n;
      if (rnd.nextInt(10) == 0) {
        out.flush();
        assertThat(sink.size()).isEqualTo(pos);
        if (rnd.nextBoolean()) {
          out.park(); // as in IDLE: the buffer goes until the next write
        }
      } else if (rnd.nextInt(10) == 0) {
        out.park(); // with bytes buffered: keeps them
      }
    }
    out.flush();
    assertThat(sink.toByteArray()).isEqualTo(d);
  }
}
