package dev.postamt.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one running {@code serve} of a data directory, like Postfix's {@code master.pid} lock: an
 * exclusive lock on {@code data_dir/run/serve.lock}, which holds the owner's process id. The kernel
 * drops the lock when the process ends, {@code kill -9} included, so a crash never leaves a stale lock
 * behind. Admin commands do not take it: they work beside a running server.
 */
public final class DataDirLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * @throws IOException with a one-line message naming the data directory (and the other server's
   *     process id) when another {@code serve} holds it
   */
  public static DataDirLock acquire(Path dataDir) throws IOException {
    Path file = dataDir.resolve("run").resolve("serve.lock");
    Files.createDirectories(file.getParent());
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException sameProcess) {
      lock = null;
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      String owner = owner(ch);
      ch.close();
      throw new IOException(
          "another postamt serve is already running on data directory " + dataDir + owner
              + "; stop it first (two servers on one data directory would corrupt the queue)");
    }
    ch.truncate(0);
    ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    return new DataDirLock(ch, lock);
  }

  /** The process id of the {@code serve} running on {@code dataDir}, if one runs. */
  public static java.util.OptionalLong runningServer(Path dataDir) {
    Path file = dataDir.resolve("run").resolve("serve.lock");
    if (!Files.exists(file)) {
      return java.util.OptionalLong.empty();
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock probe;
      try {
        probe = ch.tryLock();
      } catch (OverlappingFileLockException sameProcess) {
        probe = null;
      }
      if (probe != null) {
        probe.release();
        return java.util.OptionalLong.empty(); // nobody holds it: a file left by a stopped server
      }
      String owner = owner(ch);
      return owner.isEmpty()
          ? java.util.OptionalLong.empty()
          : java.util.OptionalLong.of(Long.parseLong(owner.replaceAll("\\D", "")));
    } catch (IOException e) {
      return java.util.OptionalLong.empty();
    }
  }

  private static String owner(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      ch.read(b, 0);
      String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
      return pid.matches("\\d+") ? " (pid " + pid + ")" : "";
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // the kernel drops the lock with the descriptor anyway
    }
  }
}
