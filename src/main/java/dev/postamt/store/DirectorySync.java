package dev.postamt.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes directory entries durable with group commit: concurrent callers that each need a directory
 * fsync'd (after a rename into it) share one {@code fsync} instead of queueing for one each. A caller
 * returns only after an fsync that began after its own call has finished, so its entry is on disk.
 * With twenty SMTP sessions committing at once this turns twenty directory fsyncs into one or two.
 */
public final class DirectorySync {
  private static final ConcurrentHashMap<Path, DirectorySync> BY_DIR = new ConcurrentHashMap<>();

  private final Path dir;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition finished = lock.newCondition();
  private long requested;
  private long completed;
  private boolean running;

  private DirectorySync(Path dir) {
    this.dir = dir;
  }

  /** fsyncs {@code dir}, sharing the work with concurrent callers for the same directory. */
  public static void sync(Path dir) throws IOException {
    BY_DIR.computeIfAbsent(dir.toAbsolutePath().normalize(), DirectorySync::new).sync();
  }

  private void sync() throws IOException {
    lock.lock();
    try {
      long mine = ++requested;
      while (completed < mine) {
        if (running) {
          finished.awaitUninterruptibly();
          continue;
        }
        // Lead an fsync that covers every request made so far, ours included.
        running = true;
        long covers = requested;
        IOException failure = null;
        lock.unlock();
        try {
          try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
          }
        } catch (IOException e) {
          failure = e;
        } finally {
          lock.lock();
        }
        running = false;
        finished.signalAll();
        if (failure != null) {
          throw failure; // the others retry with an fsync of their own
        }
        completed = Math.max(completed, covers);
      }
    } finally {
      lock.unlock();
    }
  }
}
