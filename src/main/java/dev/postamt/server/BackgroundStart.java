package dev.postamt.server;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A part of the server that a first message does not need at once, built on a thread of its own while
 * the starting thread opens the listeners (issue 27: the SMTP banner within half a second). Whoever needs
 * the part waits for its future ({@link dev.postamt.smtp.PendingSpamScanner} for the content scan); the
 * server waits for it before it closes what the part opened.
 */
final class BackgroundStart {
  private static final Logger log = LoggerFactory.getLogger(BackgroundStart.class);

  private BackgroundStart() {}

  /**
   * Runs {@code job} on a new platform thread named {@code start-WHAT}: a platform thread, because the
   * jobs are CPU work (compiling rules) that should run beside the starting thread on another core.
   *
   * @return completes with what the job made, or exceptionally with what it threw
   */
  static <T> CompletableFuture<T> run(String what, Callable<T> job) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread.ofPlatform().daemon().name("start-" + what).start(() -> {
      long started = System.nanoTime();
      try {
        result.complete(job.call());
        log.debug("start: {} ready after {} ms in the background", what, Duration.ofNanos(System.nanoTime() - started).toMillis());
      } catch (Throwable e) { // handed to whoever waits: nothing is lost in a thread's uncaught handler
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  /**
   * Waits until {@code job} is done, well or not, at most {@code limit}: before the server closes what
   * it may still be opening. Returns whether it is done.
   */
  static boolean awaitDone(CompletableFuture<?> job, Duration limit) {
    try {
      job.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException e) {
      return true; // done, if badly: its failure was reported where it is used
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return job.isDone();
    }
  }
}
