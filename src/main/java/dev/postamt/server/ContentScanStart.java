package dev.postamt.server;

import dev.postamt.config.Config;
import dev.postamt.dns.Resolver;
import dev.postamt.filter.SpamScanner;
import dev.postamt.filter.pipeline.Filters;
import dev.postamt.filter.pipeline.Stores;
import dev.postamt.smtp.PendingSpamScanner;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content scan's databases (Bayes, checksums, per-user lists: opened once, shared by every scanner
 * and by Junk learning, kept across reloads) and the scanner of the start config, which is built in the
 * background once the listeners are open (issue 27). Sessions wait for it ({@link PendingSpamScanner});
 * when it cannot be built they defer their messages and the log says why, until a reload builds one.
 */
final class ContentScanStart {
  private static final Logger log = LoggerFactory.getLogger(ContentScanStart.class);

  /** What the background start made: its databases (the server's from then on) and the scanner. */
  private record Built(Stores stores, SpamScanner scanner) {}

  private final Config config;
  private final Resolver resolver;
  private final Object lock = new Object();
  /** Null when {@code [spam]} is off at start. */
  private final CompletableFuture<Built> atStart;
  private boolean buildStarted; // guarded by lock
  private Stores stores; // guarded by lock

  /** @param closed whether the server is closing (a failure then is no news for the log) */
  ContentScanStart(Config config, Resolver resolver, BooleanSupplier closed) {
    this.config = config;
    this.resolver = resolver;
    this.atStart = config.spam().enabled() ? new CompletableFuture<>() : null;
    if (atStart != null) {
      atStart.whenComplete((built, e) -> {
        if (e != null && !closed.getAsBoolean()) {
          log.error("[spam]: the content scan did not start: {}; every message is deferred (451 4.7.1) until a"
              + " reload with a working [spam] section", e.getMessage());
        }
      });
    }
  }

  /** The scanner of the start config for the listeners, complete or not yet; null when scanning is off. */
  PendingSpamScanner pending() {
    return atStart == null ? null
        : PendingSpamScanner.building(config.spam(), atStart.thenApply(Built::scanner), PendingSpamScanner.WAIT);
  }

  /** Starts building the scanner on a thread of its own (once the listeners are open). */
  void buildInBackground() {
    synchronized (lock) {
      if (atStart == null || atStart.isDone()) {
        return; // off, or the server closed before it came to this
      }
      buildStarted = true;
      BackgroundStart.run("spam", this::build).whenComplete((built, e) -> {
        if (e == null) {
          atStart.complete(built);
        } else {
          atStart.completeExceptionally(e);
        }
      });
    }
  }

  private Built build() throws IOException {
    Stores opened = Stores.open(config);
    try {
      return new Built(opened, Filters.open(config, resolver, opened));
    } catch (IOException | RuntimeException e) {
      opened.close(); // the rules could not be compiled
      throw e;
    }
  }

  /** The databases when {@code running} enables scanning (the start's, once built), else null. */
  Stores stores(Config running) throws IOException {
    synchronized (lock) {
      if (stores == null && atStart != null && buildStarted) {
        try {
          stores = atStart.join().stores();
        } catch (CompletionException | CancellationException e) {
          // it failed (and closed what it opened): opened anew below
        }
      }
      if (stores == null && running.spam().enabled()) {
        stores = Stores.open(running);
      }
      return stores;
    }
  }

  /**
   * The content scan for {@code running} (null when {@code spam.enabled} is off), shared by the MX and
   * submission listeners; a reload makes a new one with the new rules and thresholds over the same
   * databases (the old one holds nothing that needs closing).
   */
  SpamScanner scanner(Config running) {
    if (!running.spam().enabled()) {
      return null;
    }
    try {
      return Filters.open(running, resolver, stores(running));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("[spam]: " + e.getMessage(), e);
    }
  }

  /**
   * IMAP (and JMAP) moves into and out of Junk learn spam and ham with {@code spam.learn_from_junk}; null
   * when off. The Bayes database is looked up at the first move, not here: at start the background start
   * is still opening it, and the IMAP listener need not wait for that.
   */
  dev.postamt.imap.JunkLearning junkLearning(Config running) {
    if (!running.spam().learnFromJunk() || !running.spam().enabled()) {
      return null;
    }
    long maxSize = running.spam().maxSize();
    return (user, message, spam) -> {
      dev.postamt.filter.bayes.Training training = training(running);
      if (training != null) { // null: the database cannot be opened, said in the log
        training.learn(dev.postamt.filter.ScannedMessage.read(message, maxSize),
            spam ? dev.postamt.filter.bayes.Training.Mode.SPAM : dev.postamt.filter.bayes.Training.Mode.HAM, user, false);
      }
    };
  }

  private dev.postamt.filter.bayes.Training training(Config running) {
    try {
      Stores s = stores(running);
      return s == null ? null : s.training();
    } catch (IOException e) {
      log.error("spam learning off: {}", e.getMessage());
      return null;
    }
  }

  /** Waits up to {@code limit} for the background build to be done (built or failed); true when it is, or scanning is off. */
  boolean awaitBuilt(Duration limit) {
    return atStart == null || BackgroundStart.awaitDone(atStart, limit);
  }

  /** Closes the databases, after the background start that may still be opening them (at most {@code grace}). */
  void close(Duration grace) {
    synchronized (lock) {
      if (atStart != null && !buildStarted) { // closed before the listeners opened: nothing to wait for
        atStart.completeExceptionally(new IOException("the server stopped before the spam filter was built"));
      }
    }
    if (atStart != null && !BackgroundStart.awaitDone(atStart, grace)) {
      log.warn("[spam]: the content scan is still starting at shutdown; its databases are left to the exit");
      return;
    }
    synchronized (lock) {
      if (stores == null && atStart != null && !atStart.isCompletedExceptionally()) {
        stores = atStart.join().stores();
      }
      if (stores != null) {
        stores.close();
      }
    }
  }
}
