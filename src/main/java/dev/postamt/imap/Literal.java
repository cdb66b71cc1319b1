package dev.postamt.imap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes of one literal argument: held in memory when small, in a temporary file when large (an
 * APPENDed message), so that a command never holds a whole message on the heap. {@link CommandReader}
 * spills a literal to a file as it arrives; the session closes the command, which deletes the file.
 */
public final class Literal implements AutoCloseable {
  private final byte[] bytes;
  private final Path file;
  private final long size;
  private final boolean hasNul;

  private Literal(byte[] bytes, Path file, long size, boolean hasNul) {
    this.bytes = bytes;
    this.file = file;
    this.size = size;
    this.hasNul = hasNul;
  }

  static Literal of(byte[] bytes) {
    return new Literal(bytes, null, bytes.length, false);
  }

  /**
   * A literal of {@code size} bytes in {@code file}, which this object deletes on {@link #close()};
   * {@code hasNul} as seen while it was written (an in-memory literal is looked at when asked).
   */
  static Literal spilled(Path file, long size, boolean hasNul) {
    return new Literal(null, file, size, hasNul);
  }

  /** Whether the bytes hold a NUL (then a message must be re-encoded before it is stored). */
  public boolean hasNul() {
    return file == null ? BinaryDecoder.hasNul(bytes, 0, bytes.length) : hasNul;
  }

  /** Deletes spill files a crashed process left in {@code dir}; called once at start-up. */
  static void deleteLeftovers(Path dir) {
    if (dir == null || !Files.isDirectory(dir)) {
      return;
    }
    try (var files = Files.newDirectoryStream(dir, "imap-literal-*.tmp")) {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
    } catch (IOException ignored) {
      // a stale file costs disk space, nothing else
    }
  }

  public long size() {
    return size;
  }

  /** Whether the bytes live in a file rather than in memory. */
  public boolean spilled() {
    return file != null;
  }

  /** The bytes as a stream, from the start, each call anew. */
  public InputStream open() throws IOException {
    return file == null ? new ByteArrayInputStream(bytes) : Files.newInputStream(file);
  }

  /**
   * The bytes in memory. For a spilled literal this reads the file: only for callers that need the
   * whole array anyway (a store that takes {@code byte[]}); prefer {@link #open()}.
   */
  public byte[] bytes() {
    if (file == null) {
      return bytes;
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // ImapServer clears left-over spill files at start-up
      }
    }
  }
}
