package dev.postamt.smtp.client;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Socket writes with a time limit. Java has no write time-out on blocking sockets, so a watchdog
 * closes the socket when one write takes longer than the limit (RFC 5321 §4.5.3.2.6: the data block
 * time-out), which makes the blocked write fail with an IOException instead of hanging forever on a
 * peer that stopped reading.
 */
final class WatchedOutputStream extends FilterOutputStream {
  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("smtp-client-watchdog").daemon(true).unstarted(r));

  private final Socket socket;
  private final long limitMillis;
  private volatile boolean expired;

  WatchedOutputStream(Socket socket, OutputStream out, Duration limit) {
    super(out);
    this.socket = socket;
    this.limitMillis = Math.max(1, limit.toMillis());
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ScheduledFuture<?> alarm = WATCHDOG.schedule(this::expire, limitMillis, TimeUnit.MILLISECONDS);
    try {
      out.write(b, off, len);
    } catch (IOException e) {
      if (expired) {
        throw new IOException("timeout after " + limitMillis / 1000 + "s sending data", e);
      }
      throw e;
    } finally {
      alarm.cancel(false);
    }
  }

  private void expire() {
    expired = true;
    try {
      socket.close();
    } catch (IOException ignored) {
      // the blocked writer sees the failure
    }
  }
}
