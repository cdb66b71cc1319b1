package dev.postamt.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;

/**
 * {@link Connection#compress}: both directions raw DEFLATE, with the line accounting on the inflated
 * bytes, so the line deadline holds against a client whose compressed stream is full of LF bytes.
 */
class ConnectionCompressTest {
  /** Runs {@code server} on the accepted side of a fresh loopback connection; returns the client socket. */
  static Socket pair(ServerSocket ss) throws IOException {
    Socket client = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort());
    client.setSoTimeout(20_000);
    return client;
  }

  static Connection accept(ServerSocket ss) throws IOException {
    Socket s = ss.accept();
    s.setSoTimeout(20_000);
    return new Connection("imap", s, null);
  }

  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      b.write(c);
    }
    return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII).strip();
  }

  /** Deflates {@code text} as one SYNC_FLUSHed batch of {@code d}'s stream. */
  static byte[] batch(Deflater d, String text) {
    d.setInput(text.getBytes(StandardCharsets.US_ASCII));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    int n;
    do {
      n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
      out.write(buf, 0, n);
    } while (n == buf.length || !d.needsInput());
    return out.toByteArray();
  }

  @Test
  void bothDirectionsAfterCompressIncludingBytesReadAhead() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = pair(ss);
        Connection c = accept(ss)) {
      CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
        try {
          String first = readLine(c.in());
          c.out().write("OK plain\r\n".getBytes(StandardCharsets.US_ASCII));
          c.out().flush();
          c.compress();
          String second = readLine(c.in());
          String third = readLine(c.in());
          c.out().write(("got " + second + " " + third + "\r\n").getBytes(StandardCharsets.US_ASCII));
          c.out().flush();
          return first;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.write("COMPRESS\r\n".getBytes(StandardCharsets.US_ASCII));
      b.write(batch(d, "two\r\n")); // in the same write: the server has it buffered before compress()
      OutputStream out = client.getOutputStream();
      out.write(b.toByteArray());
      out.flush();
      InputStream in = client.getInputStream();
      assertThat(readLine(in)).isEqualTo("OK plain");
      out.write(batch(d, "three " + "x".repeat(10_000) + "\r\n"));
      out.flush();
      assertThat(readLine(new InflaterInputStream(in, new Inflater(true))))
          .isEqualTo("got two three " + "x".repeat(10_000));
      assertThat(served.get(20, TimeUnit.SECONDS)).isEqualTo("COMPRESS");
    }
  }

  /**
   * Stored DEFLATE blocks of 10 bytes have 0x0A in their length field: a line trickled that way holds an
   * LF in every compressed block but none in the text, and must still run into the deadline.
   */
  @Test
  void lineDeadlineCountsInflatedLines() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = pair(ss);
        Connection c = accept(ss)) {
      c.setLineDeadline(Duration.ofMillis(800));
      c.compress();
      CompletableFuture<Object> served = CompletableFuture.supplyAsync(() -> {
        try {
          return readLine(c.in());
        } catch (IOException e) {
          return e;
        }
      });
      Deflater d = new Deflater(Deflater.NO_COMPRESSION, true);
      OutputStream out = client.getOutputStream();
      long t0 = System.nanoTime();
      boolean sawLf = false;
      while (!served.isDone() && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10)) {
        byte[] block = batch(d, "abcdefghij");
        for (byte x : block) {
          sawLf |= x == '\n';
        }
        try {
          out.write(block);
          out.flush();
        } catch (IOException closed) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(sawLf).as("the compressed stream carried LF bytes").isTrue();
      assertThat(served.get(5, TimeUnit.SECONDS)).isInstanceOf(LineDeadlineException.class);
      assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(8));
    }
  }
}
