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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;

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

  /**
   * Runs {@code r} {@link #FLUSH_MILLIS} from now on a virtual thread that sleeps until then: its timer is
   * the virtual threads' scheduler's, which runs anyway ({@code CompletableFuture.delayedExecutor} started
   * a platform thread of its own for it, one more at idle).
   */
  private static void later(Runnable r) {
    Thread.ofVirtual().name("log-flush").start(() -> {
      try {
        Thread.sleep(FLUSH_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // nothing interrupts it; flush now all the same
      }
      r.run();
    });
  }

  /** The appenders started and not stopped, flushed when the JVM shuts down. */
  private static final Set<Pacing> LIVE = ConcurrentHashMap.newKeySet();

  private static volatile boolean shuttingDown;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      shuttingDown = true; // lines logged from here on are written at once (see Pacing.after)
      LIVE.forEach(Pacing::flushNow);
    }, "postamt-log-flush"));
  }

  /** What both appenders do around logback's own work: each has one. */
  private static final class Pacing {
    private final OutputStreamAppender<ILoggingEvent> appender;
    private final Lock lock;
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /** @param lock the appender's stream lock, which its writes and a rollover take too */
    Pacing(OutputStreamAppender<ILoggingEvent> appender, Lock lock) {
      this.appender = appender;
      this.lock = lock;
    }

    void started() {
      if (appender.isStarted()) {
        LIVE.add(this);
      }
    }

    /** Before the appender stops: its stop closes the stream, which writes what is left. */
    void stopping() {
      LIVE.remove(this);
    }

    /** After a line went into the buffer: written now, or a flush scheduled unless one is. */
    void after(ILoggingEvent e) {
      if (shuttingDown || e.getLevel().isGreaterOrEqual(Level.WARN)) {
        flushNow();
      } else if (scheduled.compareAndSet(false, true)) {
        later(() -> {
          scheduled.set(false); // before the flush: a line after it schedules the next one
          flushNow();
        });
      }
    }

    void flushNow() {
      lock.lock();
      try {
        OutputStream out = appender.getOutputStream();
        if (out != null) {
          out.flush();
        }
      } catch (IOException e) {
        appender.addError("cannot write the log", e);
      } finally {
        lock.unlock();
      }
    }
  }

  /** The size-rotated log file ({@code [log] file}). */
  static final class File extends RollingFileAppender<ILoggingEvent> {
    private final Pacing pacing = new Pacing(this, streamWriteLock);

    @Override
    public void start() {
      setImmediateFlush(false);
      setBufferSize(new ch.qos.logback.core.util.FileSize(BUFFER));
      super.start();
      pacing.started();
    }

    @Override
    public void stop() {
      pacing.stopping();
      super.stop();
    }

    @Override
    protected void subAppend(ILoggingEvent e) {
      super.subAppend(e);
      pacing.after(e);
    }
  }

  /** Standard error, the default ({@code [log]} without {@code file} or {@code syslog}). */
  static final class Stderr extends OutputStreamAppender<ILoggingEvent> {
    private final Pacing pacing = new Pacing(this, streamWriteLock);

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
      pacing.started();
    }

    @Override
    public void stop() {
      pacing.stopping();
      super.stop();
    }

    @Override
    protected void subAppend(ILoggingEvent e) {
      super.subAppend(e);
      pacing.after(e);
    }
  }
}
