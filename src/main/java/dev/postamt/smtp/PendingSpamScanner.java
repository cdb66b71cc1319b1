package dev.postamt.smtp;

import dev.postamt.config.Spam;
import dev.postamt.filter.SpamScanner;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The content scan of a listener, possibly still being built: a starting server opens its SMTP listeners
 * before the spam rules are compiled and the Bayes database is open (issue 27: the banner within half a
 * second), so a session that reaches the end of DATA first waits here for the whole scanner.
 *
 * <p>A message is never judged by a half-built scanner, and never accepted unscanned because of the
 * start: {@link #await} returns the complete scanner, or throws an {@link IOException} when it failed to
 * build or is not there within {@link #WAIT}, and {@link SpamCheck} then answers {@code 451 4.7.1} (the
 * client keeps the message and tries again; RFC 5321 §4.2.5: nothing was accepted). Waiting at the end
 * of DATA is safe: a client waits up to 10 minutes for that reply (RFC 5321 §4.5.3.2.6).
 */
public final class PendingSpamScanner {
  /** How long a message waits for a scanner still being built before it is deferred. */
  public static final Duration WAIT = Duration.ofSeconds(60);

  private final Spam config;
  private final CompletableFuture<SpamScanner> scanner;
  private final Duration wait;

  private PendingSpamScanner(Spam config, CompletableFuture<SpamScanner> scanner, Duration wait) {
    this.config = config;
    this.scanner = scanner;
    this.wait = wait;
  }

  /** A scanner that is already complete. */
  public static PendingSpamScanner ready(SpamScanner scanner) {
    return new PendingSpamScanner(scanner.config(), CompletableFuture.completedFuture(scanner), WAIT);
  }

  /**
   * A scanner being built for {@code config}; a message waits for it at most {@code wait}.
   *
   * @param scanner completes with the scanner, or exceptionally when it cannot be built
   */
  public static PendingSpamScanner building(Spam config, CompletableFuture<SpamScanner> scanner, Duration wait) {
    return new PendingSpamScanner(config, scanner, wait);
  }

  /** The {@code [spam]} settings the scanner is (being) built with. */
  public Spam config() {
    return config;
  }

  /** Whether the scanner is built (or failed to be): {@link #await} does not wait any more. */
  public boolean isDone() {
    return scanner.isDone();
  }

  /**
   * The complete scanner, waiting for it while it is being built.
   *
   * @throws IOException it could not be built, it is not built within the wait, or this thread was
   *     interrupted (the server stopping): the message is deferred, never accepted unscanned
   */
  public SpamScanner await() throws IOException {
    try {
      return scanner.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IOException("the spam filter is still starting after " + wait.toSeconds() + " s", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IOException("the spam filter did not start: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the spam filter was starting", e);
    }
  }
}
