package dev.postamt.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Space kept back on the mail file system so that a user can still delete mail when the disk is full.
 * Removing messages needs a little space itself: SQLite writes the changed pages to its WAL before it
 * can drop them, and opening an index creates its {@code -wal} and {@code -shm} files. So the store
 * keeps a file of {@code bytes} real (not sparse) bytes at {@code <data_dir>/mail/.space-reserve}; an
 * operation that frees space or needs only a little (login, flag change, expunge, delete) and fails for
 * lack of space gives back one slice of it ({@link #SLICES} in all, by truncating the file) and is
 * tried once more. Slices rather than the whole file, because whatever is given back is free for any
 * writer, deliveries included: under sustained pressure each later expunge still finds a slice. Adding
 * mail (APPEND, COPY, delivery) never uses the reserve: it is refused with {@link
 * StoreException.Kind#NOSPACE}. The reserve is laid down again whole once there is room for it several
 * times over.
 */
final class DiskReserve {
  private static final Logger log = LoggerFactory.getLogger(DiskReserve.class);
  /** Enough for the WAL of an expunge of thousands of messages and a few index opens. */
  static final long DEFAULT_BYTES = 8L << 20;
  /** How many times an operation can be rescued before the reserve is used up. */
  static final int SLICES = 8;

  private final Path file;
  private final long bytes;
  private volatile boolean present;

  /** @param mailRoot the mail directory, whose disk the reserve is for */
  DiskReserve(Path mailRoot, long bytes) {
    this.file = mailRoot == null ? null : mailRoot.resolve(".space-reserve");
    this.bytes = bytes;
  }

  /** Lays the reserve down if it is missing and the disk has room for it four times over. */
  synchronized void ensure() {
    if (bytes == 0 || present) {
      return;
    }
    try {
      Files.createDirectories(file.getParent());
      if (Files.isRegularFile(file) && Files.size(file) >= bytes) {
        present = true;
        return;
      }
      if (Files.getFileStore(file.getParent()).getUsableSpace() < 4 * bytes) {
        return;
      }
      Path tmp = file.resolveSibling(".space-reserve.tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE)) {
        ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
        for (long done = 0; done < bytes; ) {
          zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - done));
          done += ch.write(zeros);
        }
        ch.force(true);
      } catch (IOException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      present = true;
    } catch (IOException e) {
      log.debug("store: cannot lay down the space reserve {}: {}", file, e.toString());
    }
  }

  /** Gives one slice of the reserve back to the file system; false when nothing was left. */
  synchronized boolean release() {
    if (bytes == 0) {
      return false;
    }
    present = false;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      long size = ch.size();
      if (size == 0) {
        return false;
      }
      long left = Math.max(0, size - Math.max(bytes / SLICES, 64 * 1024));
      ch.truncate(left);
      ch.force(true);
      log.warn("store: disk full; gave back {} bytes of the space reserve {} ({} left) so that mail can be deleted",
          size - left, file, left);
      return true;
    } catch (IOException e) {
      return false; // no reserve (never laid down, or deleted by hand)
    }
  }

  /**
   * Runs an operation that frees space or needs only a little; when it fails for lack of space, the
   * reserve is released and it runs once more.
   */
  <T> T freeing(Supplier<T> op) {
    try {
      T t = op.get();
      if (!present && bytes > 0) {
        ensure();
      }
      return t;
    } catch (StoreException e) {
      if (e.kind() != StoreException.Kind.NOSPACE || !release()) {
        throw e;
      }
      return op.get();
    }
  }

  /** Whether a failure (anywhere in its causes) is the file system being full. */
  static boolean isNoSpace(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null && (m.contains("No space left on device") || m.contains("SQLITE_FULL")
          || m.contains("database or disk is full") || m.contains("SQLITE_IOERR_SHMSIZE"))) {
        return true;
      }
    }
    return false;
  }

  static StoreException noSpace(Throwable cause) {
    return new StoreException(StoreException.Kind.NOSPACE, "Not enough disk space", cause);
  }
}
