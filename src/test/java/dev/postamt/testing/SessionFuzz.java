package dev.postamt.testing;

import dev.postamt.net.Connection;
import dev.postamt.net.ConnectionHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Whole-session fuzzing with a memory bound. An input is fuzzer-chosen bytes around a filler: one
 * fuzzer-chosen byte repeated up to tens of MiB, made on the fly and never held by the test, so that a
 * session that buffers what it is sent shows up as allocation growing with the filler. The bytes a
 * session's thread allocates are measured with {@link com.sun.management.ThreadMXBean} (which works for
 * platform threads only, so sessions run on one here).
 *
 * <p>Input format, so that seed files are easy to write: 4 bytes big-endian filler length (taken
 * modulo the test's maximum), 1 filler byte, 2 bytes big-endian head length, the head, then the tail.
 */
public final class SessionFuzz {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private SessionFuzz() {}

  /** Head bytes, {@code fillerLength} times {@code filler}, tail bytes. */
  public record Input(byte[] head, byte filler, long fillerLength, byte[] tail) {
    public static Input parse(byte[] data, long maxFiller) {
      data = data.length < 7 ? Arrays.copyOf(data, 7) : data;
      ByteBuffer b = ByteBuffer.wrap(data);
      long n = Integer.toUnsignedLong(b.getInt()) % (maxFiller + 1);
      byte filler = b.get();
      int headLength = Math.min(b.getShort() & 0xffff, data.length - 7);
      byte[] head = Arrays.copyOfRange(data, 7, 7 + headLength);
      byte[] tail = data.length > 7 + headLength ? Arrays.copyOfRange(data, 7 + headLength, data.length) : new byte[0];
      return new Input(head, filler, n, tail);
    }

    /** The bytes the fuzzer chose, without the filler. */
    public long chosen() {
      return head.length + tail.length;
    }

    public InputStream stream() {
      return new SequenceInputStream(
          new SequenceInputStream(new ByteArrayInputStream(head), new Repeat(filler, fillerLength)),
          new ByteArrayInputStream(tail));
    }

    @Override
    public String toString() {
      return new String(head, StandardCharsets.ISO_8859_1) + "<" + fillerLength + " x " + (filler & 0xff) + ">"
          + new String(tail, StandardCharsets.ISO_8859_1);
    }
  }

  /** Bytes allocated by the calling (platform) thread so far. */
  public static long allocated() {
    long n = THREADS.getCurrentThreadAllocatedBytes();
    if (n < 0) {
      throw new IllegalStateException("allocation measurement needs a platform thread");
    }
    return n;
  }

  /**
   * A handler that runs {@code real} for each connection on a platform thread of its own and reports
   * the bytes that thread allocated meanwhile through {@link #next}.
   */
  public static final class Measuring implements ConnectionHandler {
    private final ConnectionHandler real;
    private final BlockingQueue<Long> results = new ArrayBlockingQueue<>(16);

    public Measuring(ConnectionHandler real) {
      this.real = real;
    }

    @Override
    public void handle(Connection c) throws Exception {
      Thread t = Thread.ofPlatform().name("measured-session").start(() -> {
        long before = allocated();
        try {
          real.handle(c);
        } catch (Exception e) {
          // the session's own end; what counts here is what it allocated
        } finally {
          results.add(allocated() - before);
          c.close();
        }
      });
      t.join();
    }

    @Override
    public void refuse(Connection c, String reason) throws Exception {
      real.refuse(c, reason);
    }

    /** The allocation of the next session to end, waiting at most {@code bound}. */
    public long next(Duration bound) throws InterruptedException {
      Long n = results.poll(bound.toMillis(), TimeUnit.MILLISECONDS);
      if (n == null) {
        throw new AssertionError("the session did not end within " + bound);
      }
      return n;
    }
  }

  /**
   * Sends {@code input} to {@code port} (from a thread of its own, since the server may stop reading)
   * and reads the answers until the server closes; returns the first KiB of them.
   */
  public static String converse(int port, Input input) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      Thread writer = Thread.ofVirtual().start(() -> {
        try (InputStream in = input.stream()) {
          OutputStream out = s.getOutputStream();
          in.transferTo(out);
          out.flush();
          s.shutdownOutput();
        } catch (IOException e) {
          // the server hung up first
        }
      });
      byte[] first = new byte[1024];
      int n = 0;
      InputStream in = s.getInputStream();
      try {
        int k;
        byte[] rest = new byte[8192];
        while ((k = in.read(rest)) >= 0) {
          int take = Math.min(k, first.length - n);
          System.arraycopy(rest, 0, first, n, take);
          n += take;
        }
      } catch (IOException e) {
        // reset by the server: its answers so far are what counts
      }
      s.close();
      writer.join(30_000);
      return new String(first, 0, n, StandardCharsets.ISO_8859_1);
    }
  }

  /** {@code n} copies of one byte. */
  private static final class Repeat extends InputStream {
    private final byte b;
    private long left;

    Repeat(byte b, long n) {
      this.b = b;
      this.left = n;
    }

    @Override
    public int read() {
      if (left <= 0) {
        return -1;
      }
      left--;
      return b & 0xff;
    }

    @Override
    public int read(byte[] buf, int off, int len) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      Arrays.fill(buf, off, off + n, b);
      left -= n;
      return n;
    }
  }
}
