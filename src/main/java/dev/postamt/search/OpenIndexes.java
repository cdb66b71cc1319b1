package dev.postamt.search;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.store.LockObtainFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users' {@link UserIndex}es that are open, under {@code data_dir/search/<user>/}: leased to the
 * indexer and to searches, the least recently used closed beyond {@value #MAX_OPEN}, and a damaged one
 * (Lucene's corruption and format exceptions, a missing or truncated file) moved to {@code
 * data_dir/search/.broken/} and started afresh. Apart from {@link SearchIndexes}, which decides when a
 * user is synced, because this is what owns the index files and their handles: every open, close and
 * move of a user's index goes through here, under one lock.
 */
final class OpenIndexes {
  /** Logs under {@link SearchIndexes}, as these lines always have. */
  private static final Logger log = LoggerFactory.getLogger(SearchIndexes.class);
  static final int MAX_OPEN = 64;

  private final Path root;
  /** Told a user whose index must be (re)built from the store: the indexer queues it. */
  private final Consumer<String> changed;
  private final Map<String, Holder> open = new LinkedHashMap<>(16, 0.75f, true);

  OpenIndexes(Path root, Consumer<String> changed) {
    this.root = root;
    this.changed = changed;
  }

  static final class Holder {
    final UserIndex index;
    int inUse;

    Holder(UserIndex index) {
      this.index = index;
    }
  }

  Path dirOf(String user) {
    if (user.isEmpty() || user.startsWith(".") || user.contains("/") || user.contains("\\")) {
      throw new IllegalArgumentException("not a user name for an index: " + user);
    }
    return root.resolve(user);
  }

  /** The open index of a user (opened, or rebuilt when damaged), marked in use; null when unavailable. */
  Holder lease(String user) {
    synchronized (open) {
      Holder h = open.get(user);
      if (h == null) {
        h = new Holder(openOrRecover(user));
        if (h.index == null) {
          return null;
        }
        open.put(user, h);
      }
      h.inUse++;
      return h;
    }
  }

  void release(Holder h) {
    synchronized (open) {
      h.inUse--;
    }
  }

  private UserIndex openOrRecover(String user) {
    Path dir = dirOf(user);
    try {
      return UserIndex.open(user, dir);
    } catch (LockObtainFailedException e) {
      log.info("search: {}: index in use by another process", user);
      return null;
    } catch (IOException e) {
      if (!isDamage(e)) {
        log.warn("search: {}: cannot open the index: {}", user, e.toString());
        return null;
      }
      log.warn("search: {}: index damaged ({}); moving it aside and rebuilding", user, e.toString());
      try {
        moveAside(user, dir);
        changed.accept(user);
        return UserIndex.open(user, dir);
      } catch (IOException again) {
        log.warn("search: {}: cannot recreate the index: {}", user, again.toString());
        return null;
      }
    }
  }

  private void moveAside(String user, Path dir) throws IOException {
    Path broken = root.resolve(".broken");
    Files.createDirectories(broken);
    Files.move(dir, broken.resolve(user + "-" + Instant.now().toEpochMilli()));
  }

  /** A damaged index found while in use: closed, moved aside, rebuilt by the indexer. */
  void broken(String user, Holder h, Exception e) {
    log.warn("search: {}: index damaged ({}); moving it aside and rebuilding", user, e.toString());
    drop(user, h);
    try {
      moveAside(user, dirOf(user));
    } catch (IOException io) {
      log.warn("search: {}: cannot move the damaged index aside: {}", user, io.toString());
    }
    changed.accept(user);
  }

  /** Closes and deletes a user's index (it is rebuilt from the store at the next sync). */
  void discard(String user) throws IOException {
    Holder h;
    synchronized (open) {
      h = open.remove(user);
    }
    if (h != null) {
      h.index.abandon();
    }
    deleteTree(dirOf(user));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Closes the least recently used indexes not in use beyond {@link #MAX_OPEN}. */
  void evict() {
    List<Holder> closing = new java.util.ArrayList<>();
    synchronized (open) {
      var it = open.entrySet().iterator();
      while (open.size() - closing.size() > MAX_OPEN && it.hasNext()) {
        Holder h = it.next().getValue();
        if (h.inUse == 0) {
          it.remove();
          closing.add(h);
        }
      }
    }
    for (Holder h : closing) {
      try {
        h.index.close();
      } catch (IOException e) {
        log.warn("search: {}: closing the index: {}", h.index.user, e.toString());
      }
    }
  }

  /**
   * A read cut off by an interrupt closes the index file's channel for every reader of that index
   * (Lucene's {@code NIOFSDirectory}, which {@link UserIndex} reads through): the files are sound, the
   * open handle is not, and every later search through it would fail.
   */
  static boolean isClosedUnderReader(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.nio.channels.ClosedChannelException
          || t instanceof org.apache.lucene.store.AlreadyClosedException) {
        return true;
      }
    }
    return false;
  }

  /** Drops a user's open index whose files were closed under it ({@link #isClosedUnderReader}): the next use opens it again. */
  void reopenLater(String user, Holder h, Exception e) {
    log.warn("search: {}: the index's files were closed under a reader ({}); opening it again", user, e.toString());
    drop(user, h);
  }

  /** Forgets a user's open index (unless another took its place already) and closes it without a commit. */
  private void drop(String user, Holder h) {
    synchronized (open) {
      if (open.get(user) == h) {
        open.remove(user);
      }
    }
    h.index.abandon();
  }

  static boolean isDamage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CorruptIndexException || t instanceof IndexFormatTooOldException
          || t instanceof IndexFormatTooNewException || t instanceof NoSuchFileException
          || t instanceof FileNotFoundException || t instanceof EOFException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Publishes the additions that open indexes keep unpublished ({@link UserIndex#DEFER_BELOW}) once the
   * oldest is {@code nanos} old; false when an index was busy syncing (its sync publishes or it is asked
   * again).
   */
  boolean publishOld(long nanos) {
    List<Holder> held = new java.util.ArrayList<>();
    synchronized (open) {
      for (Holder h : open.values()) {
        if (h.index.hasUnpublished()) {
          h.inUse++;
          held.add(h);
        }
      }
    }
    boolean all = true;
    for (Holder h : held) {
      try {
        all &= h.index.publishIfOlder(nanos);
      } catch (IOException | RuntimeException e) {
        if (isDamage(e)) {
          broken(h.index.user, h, e);
        } else {
          log.warn("search: {}: publishing: {}", h.index.user, e.toString());
        }
      } finally {
        release(h);
      }
    }
    return all;
  }

  /** {@code check} under the lock every lease and release takes, so that it sees none half done. */
  boolean underLock(BooleanSupplier check) {
    synchronized (open) {
      return check.getAsBoolean();
    }
  }

  /** Closes every open index (with a commit); at shutdown. */
  void closeAll() {
    synchronized (open) {
      for (Holder h : open.values()) {
        try {
          h.index.close();
        } catch (IOException | RuntimeException e) {
          log.warn("search: {}: closing the index: {}", h.index.user, e.toString());
        }
      }
      open.clear();
    }
  }
}
