package dev.postamt.server;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * Standard error for the log, written in blocks: lines collect in a buffer that a virtual thread writes
 * out {@link #EVERY} after the first of them (and any time it fills), instead of one {@code write} per
 * line from each session's thread. A line reaches the file or the journal at most that much later; the
 * process's exit hook and {@link #flush} write what is left.
 */
final class LogFlusher extends OutputStream {
  /** How long a line waits at most before it is written. */
  static final Duration EVERY = Duration.ofMillis(20);

  private final BufferedOutputStream out;
  private final long everyNanos;
  private final Object lock = new Object();
  /** Something was written since the last flush; guarded by {@link #lock}. */
  private boolean pending;
  private final Thread flusher;

  LogFlusher() {
    this(new StandardError(), EVERY);
  }

  /** Writes to {@code sink} {@code every} after a first line (tests). */
  LogFlusher(OutputStream sink, Duration every) {
    this.out = new BufferedOutputStream(sink, 64 * 1024);
    this.everyNanos = every.toNanos();
    flusher = Thread.ofVirtual().name("log-flusher").unstarted(this::run);
    flusher.start();
  }

  @Override
  public void write(int b) throws IOException {
    synchronized (lock) {
      out.write(b);
      wake();
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    synchronized (lock) {
      out.write(b, off, len);
      wake();
    }
  }

  /** Under {@link #lock}: the first line after a flush starts the flusher's wait. */
  private void wake() throws IOException {
    if (stopped) {
      out.flush(); // a late line of a log being replaced
      return;
    }
    if (!pending) {
      pending = true;
      java.util.concurrent.locks.LockSupport.unpark(flusher);
    }
  }

  @Override
  public void flush() throws IOException {
    synchronized (lock) {
      pending = false;
      out.flush();
    }
  }

  /** {@code System.err} as it is at each write (as logback's console target: a test may have replaced it). */
  private static final class StandardError extends OutputStream {
    @Override
    public void write(int b) {
      System.err.write(b);
      System.err.flush();
    }

    @Override
    public void write(byte[] b, int off, int len) {
      System.err.write(b, off, len);
      System.err.flush();
    }
  }

  private volatile boolean stopped;

  /** After a reload made another one: this one writes what it holds and its thread ends. */
  void stop() {
    stopped = true;
    java.util.concurrent.locks.LockSupport.unpark(flusher);
    try {
      flush();
    } catch (IOException e) {
      // standard error is gone: nothing to tell it to
    }
  }

  private void run() {
    while (!stopped) {
      java.util.concurrent.locks.LockSupport.park(this);
      boolean any;
      synchronized (lock) {
        any = pending;
      }
      if (!any) {
        continue;
      }
      long until = System.nanoTime() + everyNanos; // let more lines come
      for (long left = everyNanos; left > 0 && !stopped; left = until - System.nanoTime()) {
        java.util.concurrent.locks.LockSupport.parkNanos(this, left);
      }
      try {
        flush();
      } catch (IOException e) {
        // standard error is gone: nothing to tell it to
      }
    }
  }
}
