package dev.postamt.quarantine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The held messages' files of one node, {@code data_dir/quarantine/messages/ID}, whichever backend keeps
 * their rows. A file is written before its row (fsync'd, renamed into place, the directory fsync'd) and
 * removed after it, so a crash leaves at worst a file that no row names, which {@link #sweep} removes once
 * it is older than the retention.
 */
final class HeldFiles {
  /** Whether a row names {@code id} (asked of the backend by {@link #sweep}). */
  @FunctionalInterface
  interface Rows {
    boolean held(String id) throws IOException;
  }

  private final Path dir;

  HeldFiles(Path dir) {
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  /** Writes the message of {@code id} durably; returns its size in bytes. */
  long write(String id, InputStream message) throws IOException {
    Files.createDirectories(dir);
    Path tmp = dir.resolve(id + ".tmp");
    long size;
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      OutputStream out = Channels.newOutputStream(ch);
      size = message.transferTo(out);
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
    return size;
  }

  boolean exists(String id) {
    return Files.exists(dir.resolve(id));
  }

  InputStream open(String id) throws IOException {
    try {
      return Files.newInputStream(dir.resolve(id));
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException("quarantine: no message " + id + " in " + dir);
    }
  }

  void delete(String id) throws IOException {
    Files.deleteIfExists(dir.resolve(id));
  }

  /**
   * Deletes files older than {@code cutoff} that no row names: half-written {@code .tmp} files, names that
   * are not ids, and messages whose row is gone (a crash between the two writes, or a row another node
   * deleted).
   */
  void sweep(Instant cutoff, Rows rows) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        String id = name.endsWith(".tmp") ? name.substring(0, name.length() - 4) : name;
        if (Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)
            && (!Quarantine.validId(id) || name.endsWith(".tmp") || !rows.held(id))) {
          Files.deleteIfExists(f);
        }
      }
    }
  }
}
