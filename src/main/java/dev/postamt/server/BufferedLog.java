package dev.postamt.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The server's log written through a buffer rather than with a system call per line (issue 27): under
 * the SMTP benchmark's load the server logs some ten lines per message, each one a {@code write} taken
 * under the appender's lock by whichever of the sessions' threads logged it. Here a line goes into an
 * 8 KiB buffer, written out when it is full, and at the latest {@link #FLUSH_MILLIS} after the first
 * line that is not out yet:
 *
 * <ul>
 *   <li>a {@code WARN} or {@code ERROR} line is written at once, with every line before it;
 *   <li>a stop of the appender (a reload that replaces it, the server's shutdown) writes what is left,
 *       and once the JVM is shutting down every line is written at once;
 *   <li>a process killed with {@code SIGKILL} loses at most the last {@link #FLUSH_MILLIS} of {@code INFO}
 *       and {@code DEBUG} lines. The trail of {@code postamt trace} is written the same way, a batch at a
 *       time ({@code events.TrailRecorder}); the mail itself is never held back (the queue's fsync is
 *       before the {@code 250}).
 * </ul>
 *
 * Nothing waits when nothing is logged: a flush is scheduled by the first line after the last flush,
 * not by a timer.
 */
final class BufferedLog {
  private BufferedLog() {}

  /** The longest a line below {@code WARN} stays in the buffer. */
  static final long FLUSH_MILLIS = 100;

  private static final int BUFFER = 8192;

  private static final Executor LATER = CompletableFuture.delayedExecutor(FLUSH_MILLIS, TimeUnit.MILLISECONDS,
      r -> Thread.ofVirtual().name("log-flush").start(r));

  /** The appenders started and not stopped, flushed when the JVM shuts down. */
  private static final Set<Flushable> LIVE = ConcurrentHashMap.newKeySet();

  private static volatile boolean shuttingDown;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      shuttingDown = true; // lines logged from here on are written at once (see after())
      LIVE.forEach(Flushable::flushNow);
    }, "postamt-log-flush"));
  }

  /** An appender of this kind: its buffer written out under its stream lock. */
  interface Flushable {
    void flushNow();
  }

  /** After a line went into {@code f}'s buffer: written now, or a flush scheduled unless one is. */
  private static void after(Flushable f, AtomicBoolean scheduled, ILoggingEvent e) {
    if (shuttingDown || e.getLevel().isGreaterOrEqual(Level.WARN)) {
      f.flushNow();
    } else if (scheduled.compareAndSet(false, true)) {
      LATER.execute(() -> {
        scheduled.set(false); // before the flush: a line after it schedules the next one
        f.flushNow();
      });
    }
  }

  /** Writes out {@code a}'s buffer, holding {@code lock}, its stream lock (which a rollover takes too). */
  private static void flush(OutputStreamAppender<ILoggingEvent> a, java.util.concurrent.locks.Lock lock) {
    lock.lock();
    try {
      OutputStream out = a.getOutputStream();
      if (out != null) {
        out.flush();
      }
    } catch (IOException e) {
      a.addError("cannot write the log", e);
    } finally {
      lock.unlock();
    }
  }

  /** The size-rotated log file ({@code [log] file}). */
  static final class File extends RollingFileAppender<ILoggingEvent> implements Flushable {
    private final AtomicBoolean scheduled = new AtomicBoolean();

    @Override
    public void start() {
      setImmediateFlush(false);
      setBufferSize(new ch.qos.logback.core.util.FileSize(BUFFER));
      super.start();
      if (isStarted()) {
        LIVE.add(this);
      }
    }

    @Override
    public void stop() {
      LIVE.remove(this);
      super.stop(); // closing the stream writes what is left
    }

    @Override
    protected void subAppend(ILoggingEvent e) {
      super.subAppend(e);
      after(this, scheduled, e);
    }

    @Override
    public void flushNow() {
      flush(this, streamWriteLock);
    }
  }

  /** Standard error, the default ({@code [log]} without {@code file} or {@code syslog}). */
  static final class Stderr extends OutputStreamAppender<ILoggingEvent> implements Flushable {
    private final AtomicBoolean scheduled = new AtomicBoolean();

    @Override
    public void start() {
      // System.err as logback's console appender takes it (so that a redirection of it still holds), but
      // handed a buffer at a time: it writes each call through at once. Stopping the appender (a reload)
      // writes the buffer out and leaves System.err open.
      OutputStream fd = new FilterOutputStream(System.err) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
          flush();
        }
      };
      setImmediateFlush(false);
      setOutputStream(new BufferedOutputStream(fd, BUFFER));
      super.start();
      if (isStarted()) {
        LIVE.add(this);
      }
    }

    @Override
    public void stop() {
      LIVE.remove(this);
      super.stop();
    }

    @Override
    protected void subAppend(ILoggingEvent e) {
      super.subAppend(e);
      after(this, scheduled, e);
    }

    @Override
    public void flushNow() {
      flush(this, streamWriteLock);
    }
  }
}
